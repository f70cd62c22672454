package org.wsproxy;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import org.apache.catalina.Context;
import org.apache.tomcat.websocket.server.WsSci;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.EmbeddedTomcat;
import org.wsproxy.support.WsClient;

/**
 * A client's close is answered with a close frame of the same code, also when it arrives while
 * wsproxy is writing a backend message to that client.
 * <p>
 * The bug this pins: Tomcat (10.1.24 and later, its bug 68884) gives the close frame of any close
 * whose code is not 1000 only 50 ms (the session property
 * {@code org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT}). When another thread is
 * writing to the session at that moment, Tomcat waits 50 ms once, finds the time used up, and closes
 * the connection without a close frame: the client reports 1006 with no reason, while the backend
 * gets the client's close. In a proxy another thread, the backend's delivery thread, writes to the
 * client session at any time. On a busy machine it is enough that the client closes right after a
 * small echo arrives, before that thread has left Tomcat's send (CoHostingIT saw 1006 instead of
 * 4000 that way). Here the write is certainly in progress: the message is larger than the socket
 * buffers, and the client stops reading while it closes. A 1000 close, which Tomcat gives 20 s, is
 * the control.
 */
class CloseUnderLoadTest {

    /** Longest wait for one step (a handshake, a message part, a close), in seconds. */
    private static final long WAIT_SECONDS = 10;
    /**
     * 16 MiB, four times Linux's largest default TCP send buffer (net.ipv4.tcp_wmem, 4 MiB): the
     * proxy cannot finish writing the message while the client reads nothing.
     */
    private static final int MESSAGE_BYTES = 16 * 1024 * 1024;
    /** How long the client reads nothing after sending its close, in milliseconds: six times Tomcat's 50. */
    private static final long PAUSE_MILLIS = 300;

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private LargeMessageBackend backend;
    private ProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        backend = new LargeMessageBackend();
        proxy = ProxyServer.route("/large", backend.uri("/large"));
    }

    @AfterEach
    void stop() throws InterruptedException {
        try {
            assertEquals(0, proxy.awaitNoRelays(2), "relays still held after the test");
        } finally {
            proxy.close();
            backend.close();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 4000})
    void clientCloseIsAnsweredWhileAMessageToTheClientIsBeingWritten(int code) throws Exception {
        PausingClient client = new PausingClient(proxy.ws("/large"));
        try {
            client.socket.sendText(Integer.toString(MESSAGE_BYTES), true).get(WAIT_SECONDS, SECONDS);
            assertTrue(client.firstPart.await(WAIT_SECONDS, SECONDS), "no part of the backend's message within " + WAIT_SECONDS + " s");

            String reason = "client says " + code;
            client.socket.sendClose(code, reason).get(WAIT_SECONDS, SECONDS);
            Thread.sleep(PAUSE_MILLIS);
            client.socket.request(Long.MAX_VALUE);

            assertEquals(new WsClient.Close(code, reason), client.awaitClose(), "the close the client got back ("
                    + client.received.get() + " of " + MESSAGE_BYTES + " bytes of the message had arrived)");
            assertEquals(MESSAGE_BYTES, client.received.get(), "bytes of the message the client got before the close");
            CloseReason atBackend = backend.closes.poll(WAIT_SECONDS, SECONDS);
            assertNotNull(atBackend, "the backend saw no close within " + WAIT_SECONDS + " s");
            assertEquals(code + " [" + reason + "]", atBackend.getCloseCode().getCode() + " [" + atBackend.getReasonPhrase() + "]",
                    "the close the backend got");
        } finally {
            client.socket.abort();
        }
    }

    /**
     * A JDK client that takes the first part of a message and then reads nothing until the test
     * calls {@code request}; records the close it gets (an onError as 1006 with the error).
     */
    private static final class PausingClient implements WebSocket.Listener {
        final AtomicLong received = new AtomicLong();
        final CountDownLatch firstPart = new CountDownLatch(1);
        private final CompletableFuture<WsClient.Close> closed = new CompletableFuture<>();
        final WebSocket socket;

        PausingClient(URI uri) throws Exception {
            socket = HTTP.newWebSocketBuilder().buildAsync(uri, this).get(WAIT_SECONDS, SECONDS);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            received.addAndGet(data.remaining());
            firstPart.countDown();
            // No request(1): the client stops reading here.
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new WsClient.Close(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new WsClient.Close(1006, String.valueOf(error)));
        }

        WsClient.Close awaitClose() throws Exception {
            try {
                return closed.get(WAIT_SECONDS, SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("no close within " + WAIT_SECONDS + " s");
            }
        }
    }

    /**
     * A backend on 127.0.0.1 (embedded Tomcat) whose {@code /large} endpoint answers a text
     * {@code <n>} with one binary message of n bytes, sent as a single frame, and records the closes
     * it gets.
     */
    private static final class LargeMessageBackend implements AutoCloseable {
        final BlockingQueue<CloseReason> closes = new LinkedBlockingQueue<>();
        private final EmbeddedTomcat server = new EmbeddedTomcat("", 0);

        LargeMessageBackend() {
            Context context = server.context;
            context.addServletContainerInitializer(new WsSci(), null);
            context.addServletContainerInitializer((classes, servletContext) -> {
                ServerContainer container = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
                try {
                    container.addEndpoint(ServerEndpointConfig.Builder.create(LargeMessage.class, "/large")
                            .configurator(new ServerEndpointConfig.Configurator() {
                                @Override
                                public <T> T getEndpointInstance(Class<T> endpointClass) {
                                    return endpointClass.cast(new LargeMessage());
                                }
                            })
                            .build());
                } catch (DeploymentException e) {
                    throw new IllegalStateException(e);
                }
            }, null);
            server.start();
        }

        URI uri(String path) {
            return URI.create("ws://127.0.0.1:" + server.port() + path);
        }

        @Override
        public void close() {
            server.close();
        }

        private final class LargeMessage extends Endpoint {
            @Override
            public void onOpen(Session session, EndpointConfig config) {
                session.addMessageHandler(String.class, (MessageHandler.Whole<String>) size -> {
                    try {
                        session.getBasicRemote().sendBinary(ByteBuffer.allocate(Integer.parseInt(size)));
                    } catch (IOException e) {
                        // The proxy closed the connection while the message was being written.
                    }
                });
            }

            @Override
            public void onClose(Session session, CloseReason closeReason) {
                closes.add(closeReason);
            }
        }
    }
}
