package org.wsproxy.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import org.apache.tomcat.websocket.server.WsSci;
import org.wsproxy.support.EmbeddedTomcat;

/**
 * The soak's backend, on the port of the deployed echo route (embedded Tomcat, {@code /echo}): it
 * echoes each message part by part, as {@link org.wsproxy.support.TestBackend} does, and also checks
 * each one as it passes ({@link SoakCheck}), so that damage on the way from the client is caught
 * here, apart from what the round trip shows. It learns the session from the query
 * ({@code ?round=&slot=&connection=}, passed on by the route) and from the {@link SoakPlan} when to
 * close: after the session's last message, when the plan gives the close to the backend.
 */
final class SoakBackend implements AutoCloseable {

    private final EmbeddedTomcat server;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    /** The round being run; the ledger of each session is the one of its round. */
    private volatile SoakLedger ledger;
    private final SoakPlan plan;

    SoakBackend(int port, SoakPlan plan) {
        this.plan = plan;
        server = new EmbeddedTomcat("", port);
        server.context.addServletContainerInitializer(new WsSci(), null);
        server.context.addServletContainerInitializer((classes, ctx) -> ctx.addListener(new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent event) {
                ServerContainer container = (ServerContainer) ctx.getAttribute(ServerContainer.class.getName());
                try {
                    container.addEndpoint(ServerEndpointConfig.Builder.create(Echo.class, "/echo")
                            .configurator(new ServerEndpointConfig.Configurator() {
                                @Override
                                public <T> T getEndpointInstance(Class<T> endpointClass) {
                                    return endpointClass.cast(new Echo());
                                }
                            })
                            .build());
                } catch (DeploymentException e) {
                    throw new IllegalStateException(e);
                }
            }
        }), null);
        server.start();
    }

    /** Where the sessions of the next round are counted. */
    void ledger(SoakLedger ledger) {
        this.ledger = ledger;
    }

    int openSessions() {
        return (int) sessions.stream().filter(Session::isOpen).count();
    }

    /** The query strings (round, slot, connection) of up to 10 open sessions. */
    List<String> openSessionQueries() {
        return sessions.stream().filter(Session::isOpen).limit(10).map(Session::getQueryString).toList();
    }

    @Override
    public void close() {
        server.close();
    }

    private static int parameter(Session session, String name) {
        List<String> values = session.getRequestParameterMap().get(name);
        if (values == null || values.size() != 1) {
            throw new IllegalArgumentException("query parameter [" + name + "] missing: " + session.getQueryString());
        }
        return Integer.parseInt(values.get(0));
    }

    /**
     * One session. Its fields are owned by the session's delivery thread (Tomcat delivers one
     * session's messages one at a time, and onClose after them).
     */
    private final class Echo extends Endpoint {
        private SoakLedger counts;
        private long key;
        private SoakPlan.Session planned;
        private SoakCheck check;
        private int messages;
        private boolean closedHere;
        /** onClose has run: Tomcat calls onError after it when its answer to the close cannot be written. */
        private boolean closeSeen;

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            counts = ledger;
            key = SoakPlan.key(parameter(session, "round"), parameter(session, "slot"), parameter(session, "connection"));
            planned = plan.session(key);
            check = new SoakCheck(plan, key);
            // As wsproxy's ClientLeg does: Tomcat gives the close frame of a code other than 1000
            // (its answer to one too) 50 ms by default, then drops the connection (seen here as a
            // SocketTimeoutException when the machine is busy); a backend that does not raise it
            // would show its own lost closes, not the proxy's.
            session.getUserProperties().put("org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT", 5_000L);
            sessions.add(session);
            counts.backendOpened(key);
            session.addMessageHandler(String.class, (MessageHandler.Partial<String>) (part, last) -> {
                // Checked before it is echoed: a String cannot change, but a buffer is consumed by the send.
                boolean complete = check.text(part, last);
                try {
                    session.getBasicRemote().sendText(part, last);
                } catch (IOException e) {
                    counts.failure("backend: " + SoakPlan.describe(key) + ": echo failed: " + e);
                }
                if (complete) {
                    messageDone(session);
                }
            });
            session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) (part, last) -> {
                boolean complete = check.binary(part, last);
                try {
                    session.getBasicRemote().sendBinary(part, last);
                } catch (IOException e) {
                    counts.failure("backend: " + SoakPlan.describe(key) + ": echo failed: " + e);
                }
                if (complete) {
                    messageDone(session);
                }
            });
        }

        private void messageDone(Session session) {
            messages++;
            if (planned.backendCloses() && messages == planned.messages()) {
                closedHere = true;
                try {
                    int code = planned.code();
                    session.close(new CloseReason(() -> code, planned.reason()));
                } catch (IOException e) {
                    counts.failure("backend: " + SoakPlan.describe(key) + ": close failed: " + e);
                }
            }
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            closeSeen = true;
            sessions.remove(session);
            if (check.inMessage()) {
                counts.failure("backend: " + SoakPlan.describe(key) + ": closed in the middle of a message");
            }
            counts.backendEnded(key, check, reason.getCloseCode().getCode(), reason.getReasonPhrase(), closedHere);
        }

        @Override
        public void onError(Session session, Throwable error) {
            if (closeSeen) {
                // Tomcat could not write its answer to a close it had received and passed on whole
                // (see SoakLedger#closeAnswerLost): counted, not a failure of the session.
                counts.closeAnswerLost.increment();
                return;
            }
            counts.failure("backend: " + SoakPlan.describe(key) + ": " + error + " (" + messages + " of " + planned.messages()
                    + " messages received, " + (closedHere ? "the backend closed" : "the client was to close") + ")");
        }
    }
}
