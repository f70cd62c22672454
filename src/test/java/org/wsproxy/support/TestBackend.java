package org.wsproxy.support;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import org.apache.tomcat.websocket.server.WsSci;

/**
 * A backend WebSocket server on 127.0.0.1 (embedded Tomcat) that records what reaches it.
 * <ul>
 * <li>{@code /echo} (also {@code /echo/{a}} and {@code /echo/{a}/{b}}): echoes each text and binary
 *     message (part by part, message boundaries kept); a text {@code close:<code>:<reason>} makes it close with that code and reason;
 *     {@code ?greet=<text>} makes it send that text as soon as it opens; chooses the first offered
 *     subprotocol among {@link #SUBPROTOCOLS}.</li>
 * <li>{@code /slow}: reads binary messages at {@link #SLOW_BYTES_PER_SECOND} and counts the bytes.</li>
 * <li>{@code /status/<code>}: refuses the handshake with that HTTP status.</li>
 * </ul>
 * {@link #startTls} serves the same over wss:// (Tomcat's TLS connector).
 */
public final class TestBackend implements AutoCloseable {

    public static final List<String> SUBPROTOCOLS = List.of("v2.wsproxy.test", "v1.wsproxy.test");
    public static final int SLOW_BYTES_PER_SECOND = 1024 * 1024;

    /** What a backend handshake carried. */
    public record Handshake(String path, String query, Map<String, List<String>> headers) {
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : String.join(",", values);
        }
    }

    private final EmbeddedTomcat server;
    private final BlockingQueue<Handshake> handshakes = new LinkedBlockingQueue<>();
    /** Every handshake that reached an endpoint, also those already taken from {@link #handshakes}. */
    private final AtomicInteger handshakeCount = new AtomicInteger();
    private final BlockingQueue<CloseReason> closes = new LinkedBlockingQueue<>();
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicLong slowBytes = new AtomicLong();

    private TestBackend(int port) {
        this(port, null);
    }

    /** @param tls the certificate of a wss:// backend, null for ws:// */
    private TestBackend(int port, TestCertificates.ServerCertificate tls) {
        server = new EmbeddedTomcat("", port);
        if (tls != null) {
            server.tls(tls);
        }
        server.context.addServletContainerInitializer(new WsSci(), null);
        server.context.addServletContainerInitializer((classes, ctx) -> ctx.addListener(new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent event) {
                ServerContainer container = (ServerContainer) ctx.getAttribute(ServerContainer.class.getName());
                try {
                    for (String path : List.of("/echo", "/echo/{a}", "/echo/{a}/{b}")) {
                        container.addEndpoint(config(EchoEndpoint.class, path));
                    }
                    container.addEndpoint(config(SlowEndpoint.class, "/slow"));
                } catch (DeploymentException e) {
                    throw new IllegalStateException(e);
                }
            }
        }), null);
        org.apache.catalina.startup.Tomcat.addServlet(server.context, "status", new StatusServlet());
        server.context.addServletMappingDecoded("/status/*", "status");
        server.start();
    }

    /** Starts a backend on a free port. */
    public static TestBackend start() {
        return new TestBackend(0);
    }

    /** Starts a backend on {@code port} (for configurations written before the test starts). */
    public static TestBackend start(int port) {
        return new TestBackend(port);
    }

    /** Starts a wss:// backend on a free port, serving {@code certificate} (Tomcat's TLS connector). */
    public static TestBackend startTls(TestCertificates.ServerCertificate certificate) {
        return new TestBackend(0, certificate);
    }

    /** Starts a wss:// backend on {@code port} (for configurations written before the test starts). */
    public static TestBackend startTls(int port, TestCertificates.ServerCertificate certificate) {
        return new TestBackend(port, certificate);
    }

    public int port() {
        return server.port();
    }

    /** A ws:// URL on 127.0.0.1, or wss:// for a backend started with {@link #startTls}. */
    public URI uri(String pathAndQuery) {
        String scheme = server.scheme().equals("https") ? "wss" : "ws";
        return URI.create(scheme + "://127.0.0.1:" + port() + pathAndQuery);
    }

    /** The next handshake that reached an endpoint, waiting up to 5 s. */
    public Handshake nextHandshake() throws InterruptedException {
        Handshake handshake = handshakes.poll(5, TimeUnit.SECONDS);
        if (handshake == null) {
            throw new AssertionError("no handshake reached the backend within 5 s");
        }
        return handshake;
    }

    /** How many handshakes reached an endpoint since the backend started. */
    public int handshakes() {
        return handshakeCount.get();
    }

    /** The next handshake that reached an endpoint, waiting up to {@code timeout}; null if none came. */
    public Handshake pollHandshake(long timeout, TimeUnit unit) throws InterruptedException {
        return handshakes.poll(timeout, unit);
    }

    /** True if no handshake reached the backend. */
    public boolean noHandshake() {
        return handshakes.isEmpty();
    }

    /** The next close the backend saw from the proxy, waiting up to {@code seconds}. */
    public CloseReason nextClose(long seconds) throws InterruptedException {
        CloseReason close = closes.poll(seconds, TimeUnit.SECONDS);
        if (close == null) {
            throw new AssertionError("the backend saw no close within " + seconds + " s");
        }
        return close;
    }

    /** The next close the backend saw from the proxy, waiting up to {@code timeout}; null if none came. */
    public CloseReason pollClose(long timeout, TimeUnit unit) throws InterruptedException {
        return closes.poll(timeout, unit);
    }

    public int openSessions() {
        return (int) sessions.stream().filter(Session::isOpen).count();
    }

    public long slowBytes() {
        return slowBytes.get();
    }

    @Override
    public void close() {
        server.close();
    }

    private ServerEndpointConfig config(Class<? extends Endpoint> endpoint, String path) {
        return ServerEndpointConfig.Builder.create(endpoint, path)
                .subprotocols(SUBPROTOCOLS)
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
                        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                        headers.putAll(request.getHeaders());
                        handshakes.add(new Handshake(request.getRequestURI().getPath(), request.getQueryString(), headers));
                        handshakeCount.incrementAndGet();
                        response.getHeaders().put("Set-Cookie", List.of("backend=1; Path=/"));
                    }

                    @Override
                    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
                        if (endpointClass == EchoEndpoint.class) {
                            return endpointClass.cast(new EchoEndpoint());
                        }
                        return endpointClass.cast(new SlowEndpoint());
                    }
                })
                .build();
    }

    private abstract class Recording extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            sessions.add(session);
            opened(session);
        }

        abstract void opened(Session session);

        @Override
        public void onClose(Session session, CloseReason closeReason) {
            sessions.remove(session);
            closes.add(closeReason);
        }
    }

    /**
     * Echoes part by part as Tomcat delivers them, so that a message of any size needs no more
     * memory than Tomcat's read buffer (whole-message handlers would need a buffer as large as the
     * largest message, per session).
     */
    private final class EchoEndpoint extends Recording {
        @Override
        void opened(Session session) {
            session.addMessageHandler(String.class, new MessageHandler.Partial<String>() {
                private boolean first = true;

                @Override
                public void onMessage(String part, boolean last) {
                    try {
                        if (first && last && part.startsWith("close:")) {
                            String[] fields = part.split(":", 3);
                            int code = Integer.parseInt(fields[1]);
                            // A CloseCode of our own: Tomcat's API throws from getCloseCode for 1014.
                            session.close(new CloseReason(() -> code,
                                    fields.length > 2 ? fields[2] : ""));
                            return;
                        }
                        session.getBasicRemote().sendText(part, last);
                        first = last;
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) (part, last) -> {
                try {
                    session.getBasicRemote().sendBinary(part, last);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            for (String text : session.getRequestParameterMap().getOrDefault("greet", List.of())) {
                try {
                    session.getBasicRemote().sendText(text);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private final class SlowEndpoint extends Recording {
        /** When this session's first byte arrived; owned by its delivery thread. */
        private long start;

        @Override
        void opened(Session session) {
            session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) (part, last) -> {
                if (start == 0) {
                    start = System.nanoTime();
                }
                long total = slowBytes.addAndGet(part.remaining());
                // Read at SLOW_BYTES_PER_SECOND: wait until the bytes so far are due (a running
                // schedule, so that rounding each sleep does not add up).
                long due = start + total * 1_000_000_000L / SLOW_BYTES_PER_SECOND;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
        }
    }

    private static final class StatusServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.sendError(Integer.parseInt(request.getPathInfo().substring(1)));
        }
    }
}
