package org.wsproxy.jsr356;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import org.apache.tomcat.websocket.server.WsSci;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wsproxy.support.EmbeddedTomcat;
import org.wsproxy.support.LogCapture;
import org.wsproxy.support.RawClient;
import org.wsproxy.support.WireFrames;
import org.wsproxy.relay.CloseCodes;
import org.wsproxy.relay.ConnectionInfo;
import org.wsproxy.relay.Relay;
import org.wsproxy.relay.RelaySettings;
import org.wsproxy.relay.RelayTimer;
import org.wsproxy.relay.Side;
import org.wsproxy.relay.TrafficTotals;

/**
 * A leg whose close throws is still ended, and the failure is a WARNING. Both legs are real
 * sessions of an embedded Tomcat, each with a raw TCP client on 127.0.0.1; the backend leg's
 * session throws from {@code close(CloseReason)} as Tomcat's WebSocket API did when asked for a
 * 1014 ("Invalid close code: [1014]"), which once left a relay holding a leg open for good.
 */
class CloseFailureTest {

    private static final ConnectionInfo CONNECTION = new ConnectionInfo("legs", "127.0.0.1", URI.create("ws://127.0.0.1/legs"));
    private static final String RELAY = "test.relay";
    private static final String SIDE = "test.side";

    private final BlockingQueue<Session> opened = new LinkedBlockingQueue<>();
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger releases = new AtomicInteger();
    private EmbeddedTomcat tomcat;

    @BeforeEach
    void startTomcat() {
        tomcat = new EmbeddedTomcat("", 0);
        tomcat.context.addServletContainerInitializer(new WsSci(), null);
        tomcat.context.addServletContainerInitializer((classes, ctx) -> ctx.addListener(new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent event) {
                ServerContainer container = (ServerContainer) ctx.getAttribute(ServerContainer.class.getName());
                try {
                    container.addEndpoint(ServerEndpointConfig.Builder.create(Leg.class, "/leg")
                            .configurator(new ServerEndpointConfig.Configurator() {
                                @Override
                                public <T> T getEndpointInstance(Class<T> endpointClass) {
                                    return endpointClass.cast(new Leg());
                                }
                            }).build());
                } catch (DeploymentException e) {
                    throw new IllegalStateException(e);
                }
            }
        }), null);
        tomcat.start();
    }

    @AfterEach
    void stop() {
        tomcat.close();
        scheduler.shutdownNow();
    }

    @Test
    void aCloseThatThrowsIsSentAgainWith1011AndTheLegsConnectionEnds() throws Exception {
        try (LogCapture log = new LogCapture(Relay.class.getName());
             RawClient clientPeer = RawClient.connect(tomcat.port(), "/leg");
             RawClient backendPeer = RawClient.connect(tomcat.port(), "/leg")) {
            Session client = next();
            Session backend = next();
            relay(client, throwingOnClose(backend, 1));

            clientPeer.send(WireFrames.encode(true, 0x8, WireFrames.closePayload(1000, "bye".getBytes(StandardCharsets.UTF_8)), true));

            RawClient.Frame close = backendPeer.readClose();
            assertNotNull(close, "the backend leg's connection ended without a close frame");
            assertEquals(1011, close.closeCode(), "the close sent again after the first one threw");
            backendPeer.send(WireFrames.encode(true, 0x8, WireFrames.closePayload(1011, new byte[0]), true));
            backendPeer.readToEnd();
            assertTrue(released.await(5, TimeUnit.SECONDS), "the relay was not released");
            assertEquals(1, releases.get());
            assertTrue(log.messages().stream().anyMatch(m -> m.startsWith("WARNING")
                    && m.contains("closing the backend leg with [1000] failed; closing it with [1011] instead")), log.messages().toString());
            assertEquals(1000, clientPeer.readClose().closeCode(), "the client leg's own close is answered as usual");
        }
    }

    @Test
    void aLegThatCannotBeClosedAtAllIsTakenAsGoneSoThatTheRelayEnds() throws Exception {
        try (LogCapture log = new LogCapture(Relay.class.getName());
             RawClient clientPeer = RawClient.connect(tomcat.port(), "/leg");
             RawClient backendPeer = RawClient.connect(tomcat.port(), "/leg")) {
            Session client = next();
            Session backend = next();
            relay(client, throwingOnClose(backend, Integer.MAX_VALUE));

            clientPeer.send(WireFrames.encode(true, 0x8, WireFrames.closePayload(4000, new byte[0]), true));

            assertTrue(released.await(5, TimeUnit.SECONDS), "the relay was not released");
            assertEquals(1, releases.get());
            List<String> warnings = log.messages().stream().filter(m -> m.startsWith("WARNING")).toList();
            assertEquals(2, warnings.size(), log.messages().toString());
            assertTrue(warnings.get(1).contains("the backend leg could not be closed either; taking it as gone"), warnings.toString());
        }
    }

    private Session next() throws InterruptedException {
        Session session = opened.poll(5, TimeUnit.SECONDS);
        assertNotNull(session, "no session opened within 5 s");
        return session;
    }

    /** Pairs the two sessions as wsproxy would (the backend leg first) and routes their closes to the relay. */
    private void relay(Session client, Session backend) {
        Relay relay = new Relay(CONNECTION, new RelaySettings(Duration.ZERO, Duration.ZERO, 0, Duration.ofSeconds(5)),
                new RelayTimer(scheduler, Runnable::run), new TrafficTotals(), new TrafficTotals(), (r, closed) -> {
                    releases.incrementAndGet();
                    released.countDown();
                });
        for (Session session : List.of(client, backend)) {
            session.getUserProperties().put(RELAY, relay);
        }
        client.getUserProperties().put(SIDE, Side.CLIENT);
        backend.getUserProperties().put(SIDE, Side.BACKEND);
        if (relay.backendOpened(new SessionLeg(backend, () -> { }))) {
            Inbound.register(backend, relay, Side.BACKEND);
        }
        Inbound.register(client, relay, Side.CLIENT);
        relay.clientOpened(new SessionLeg(client, () -> { }));
    }

    /** {@code session}, whose first {@code failures} calls of close(CloseReason) throw as Tomcat's API did for 1014. */
    private static Session throwingOnClose(Session session, int failures) {
        AtomicInteger left = new AtomicInteger(failures);
        return (Session) Proxy.newProxyInstance(CloseFailureTest.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close") && args != null && left.getAndDecrement() > 0) {
                        throw new IllegalArgumentException("Invalid close code: [" + ((CloseReason) args[0]).getCloseCode().getCode() + "]");
                    }
                    try {
                        return method.invoke(session, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Hands each session to the test, and its close to the relay the test paired it with. */
    private final class Leg extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            opened.add(session);
        }

        @Override
        public void onClose(Session session, CloseReason closeReason) {
            Relay relay = (Relay) session.getUserProperties().get(RELAY);
            if (relay != null) {
                relay.closed((Side) session.getUserProperties().get(SIDE), CloseCodes.of(closeReason));
            }
        }
    }
}
