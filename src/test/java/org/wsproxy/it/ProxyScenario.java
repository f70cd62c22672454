package org.wsproxy.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.CloseReason;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wsproxy.support.TestBackend;

/**
 * What every container must do with the deployed WAR, as a client on 127.0.0.1 sees it. The routes
 * come from deploy-examples/ (see {@link org.wsproxy.it}): {@code /echo} leads to the
 * {@link TestBackend} this class starts, {@code /down} to a port where nothing listens.
 * Subclasses name the container; JUnit runs these tests once per subclass.
 */
abstract class ProxyScenario {

    /** Longest wait for one step (a handshake, a message, a close). */
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Longest wait for the 5 MiB message to come back: two hops each way, on a small machine. */
    private static final Duration LARGE_WAIT = Duration.ofSeconds(30);
    private static final int LARGE_SIZE = 5 * 1024 * 1024;

    private static TestBackend backend;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    /** Every client connection a test opened, aborted after it if still open. */
    private final List<WebSocket> opened = new ArrayList<>();

    /** The container under test. */
    abstract Deployment deployment();

    @BeforeAll
    static void startBackend() {
        backend = TestBackend.start(Deployment.backendPort());
    }

    @AfterAll
    static void stopBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    @AfterEach
    void abortClients() {
        opened.forEach(WebSocket::abort);
    }

    /** Plumbing: the WAR is deployed at /wsproxy and answers plain HTTP. */
    @Test
    void warIsDeployed() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(deployment().http("/")).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), () -> "GET " + deployment().http("/") + " on " + deployment().container()
                + " answered " + response.statusCode() + ": " + response.body());
    }

    /** Plumbing: the routes set outside the WAR reached the application when it started. */
    @Test
    void routesComeFromOutsideTheWar() throws Exception {
        String expected = "Route[name=echo, path=/echo, backend=ws://127.0.0.1:" + Deployment.backendPort() + "/echo";
        long deadline = System.nanoTime() + WAIT.toNanos();
        String log = deployment().logText();
        // GlassFish writes its log a moment after the fact.
        while (!log.contains(expected) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(200);
            log = deployment().logText();
        }
        assertTrue(log.contains(expected), "expected [" + expected + "] in " + deployment().log());
    }

    @Test
    void textIsEchoed() throws Exception {
        RecordingListener client = new RecordingListener();
        WebSocket ws = connect(deployment().ws("/echo"), client);
        ws.sendText("hello through " + deployment().container(), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals("hello through " + deployment().container(), client.nextText(WAIT));
    }

    @Test
    void binaryIsEchoed() throws Exception {
        RecordingListener client = new RecordingListener();
        WebSocket ws = connect(deployment().ws("/echo"), client);
        byte[] data = {0, 1, 2, (byte) 0xff, (byte) 0x80, 127};
        ws.sendBinary(ByteBuffer.wrap(data), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertArrayEquals(data, client.nextBinary(WAIT));
    }

    @Test
    void fiveMebibyteBinaryIsEchoedUnchanged() throws Exception {
        RecordingListener client = new RecordingListener();
        WebSocket ws = connect(deployment().ws("/echo"), client);
        byte[] data = new byte[LARGE_SIZE];
        new Random(42).nextBytes(data);
        ws.sendBinary(ByteBuffer.wrap(data), true).get(LARGE_WAIT.toSeconds(), TimeUnit.SECONDS);
        byte[] echoed = client.nextBinary(LARGE_WAIT);
        assertEquals(data.length, echoed.length, "length of the echoed message");
        assertArrayEquals(data, echoed);
    }

    /** The client offers two; only the second is one the backend supports, so a proxy that chose
     *  by itself (the first offered) would be caught. */
    @Test
    void backendChoosesTheSubprotocol() throws Exception {
        String unsupported = "unknown.wsproxy.test";
        String supported = TestBackend.SUBPROTOCOLS.get(1);
        WebSocket ws = connect(deployment().ws("/echo"), new RecordingListener(), unsupported, supported);
        assertEquals(supported, ws.getSubprotocol());
    }

    @Test
    void clientCloseReachesBackend() throws Exception {
        RecordingListener client = new RecordingListener();
        WebSocket ws = connect(deployment().ws("/echo"), client);
        // A message both ways first: the backend connection is open before the close is sent.
        ws.sendText("before close", true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals("before close", client.nextText(WAIT));
        String reason = "bye from the client on " + deployment().container();
        ws.sendClose(4000, reason).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        CloseReason atBackend = awaitBackendClose(4000, reason);
        assertEquals(reason, atBackend.getReasonPhrase());
    }

    @Test
    void backendCloseReachesClient() throws Exception {
        RecordingListener client = new RecordingListener();
        WebSocket ws = connect(deployment().ws("/echo"), client);
        String reason = "bye from the backend via " + deployment().container();
        ws.sendText("close:4000:" + reason, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(new RecordingListener.Close(4000, reason), client.close(WAIT));
    }

    @Test
    void backendDownGives502() {
        ExecutionException failure = assertThrows(ExecutionException.class, () -> http.newWebSocketBuilder()
                .connectTimeout(WAIT)
                .buildAsync(deployment().ws("/down"), new RecordingListener())
                .get(2 * WAIT.toSeconds(), TimeUnit.SECONDS));
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, failure.getCause());
        HttpResponse<?> response = handshake.getResponse();
        assertEquals(502, response.statusCode(), () -> "handshake on /down answered " + response.statusCode()
                + ", body: " + response.body());
    }

    private WebSocket connect(URI uri, RecordingListener listener, String... subprotocols) throws Exception {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(WAIT);
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        WebSocket ws = builder.buildAsync(uri, listener).get(2 * WAIT.toSeconds(), TimeUnit.SECONDS);
        opened.add(ws);
        return ws;
    }

    /** Waits for the backend to see this close; closes of earlier tests' connections are skipped. */
    private static CloseReason awaitBackendClose(int code, String reason) throws InterruptedException {
        List<String> others = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime());
            CloseReason close;
            try {
                close = backend.nextClose(Math.max(1, left));
            } catch (AssertionError e) {
                throw new AssertionError("the backend saw no close " + code + " [" + reason + "] within " + WAIT
                        + "; it saw only " + others, e);
            }
            if (close.getCloseCode().getCode() == code && reason.equals(close.getReasonPhrase())) {
                return close;
            }
            others.add(close.getCloseCode().getCode() + " [" + close.getReasonPhrase() + "]");
        }
    }
}
