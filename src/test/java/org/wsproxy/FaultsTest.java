package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.BackendProcess;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.ScriptedBackend;
import org.wsproxy.support.TcpRelay;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/**
 * Faults of the processes and the network around the proxy: a backend killed with SIGKILL, a
 * connection that stalls (no FIN, no reset) on either leg. Each test ends with every relay
 * released, since a proxy that survives a fault by leaking the pair has not survived it.
 */
class FaultsTest {

    /** The bar: a client learns that its backend died within a second. */
    private static final Duration KILL_NOTICE = Duration.ofSeconds(1);

    @Test
    void killedBackendClosesEveryClientWith1014WithinASecondAnswers502WhileDownAndServesAgainOnceBack() throws Exception {
        int clients = 20;
        BackendProcess backend = BackendProcess.start(0);
        int port = backend.port();
        URI backendUri = URI.create("ws://127.0.0.1:" + port + "/echo");
        try (ProxyServer proxy = ProxyServer.route("/echo", backendUri)) {
            List<WsClient> open = new ArrayList<>();
            AtomicBoolean streaming = new AtomicBoolean(true);
            Thread sender = null;
            try {
                for (int i = 0; i < clients; i++) {
                    WsClient client = WsClient.connect(proxy.ws("/echo"));
                    open.add(client);
                    client.sendText("hello " + i);
                    assertEquals("hello " + i, client.nextText());
                }
                // Mid-stream: every client has messages on their way both ways when the backend dies.
                sender = new Thread(() -> {
                    byte[] payload = new byte[8192];
                    for (long n = 0; streaming.get() && n < 1_000_000; n++) {
                        try {
                            open.get((int) (n % clients)).sendBinary(payload);
                        } catch (RuntimeException closed) {
                            return;
                        }
                    }
                }, "faults-sender");
                sender.start();
                for (WsClient client : open) {
                    assertEquals(8192, client.nextBinary().length, "traffic flows before the kill");
                }

                long killedAt = System.nanoTime();
                backend.kill();
                for (int i = 0; i < clients; i++) {
                    WsClient client = open.get(i);
                    WsClient.Close close = client.awaitClose(5);
                    assertEquals(1014, close.code(), "client " + i + ": " + close);
                    long after = client.closedAtNanos() - killedAt;
                    assertTrue(after <= KILL_NOTICE.toNanos(), "client " + i + " got its 1014 "
                            + TimeUnit.NANOSECONDS.toMillis(after) + " ms after the kill");
                }
                streaming.set(false);
                sender.join(10_000);
                assertEquals(0, proxy.awaitNoRelays(5), "relays left after the backend died");

                // While it is down: 502, and nothing held.
                for (int i = 0; i < 3; i++) {
                    assertEquals(502, WsClient.refusedStatus(proxy.ws("/echo"), Map.of()), "handshake " + i + " while down");
                }
                assertEquals(0, proxy.openRelays());

                // Back on the same port: the same proxy, untouched, serves again.
                backend = BackendProcess.start(port);
                try (WsClient again = WsClient.connect(proxy.ws("/echo"))) {
                    again.sendText("back");
                    assertEquals("back", again.nextText());
                }
            } finally {
                streaming.set(false);
                if (sender != null) {
                    sender.join(10_000);
                }
                open.forEach(WsClient::close);
            }
        } finally {
            backend.close();
        }
    }

    @Test
    void clientThatStallsIsFoundByPingsAndItsBackendGets1001() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", backend.uri("/echo"), "pingInterval", "500ms");
             TcpRelay network = new TcpRelay(proxy.port());
             WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + network.port() + "/echo"))) {
            client.sendText("before");
            assertEquals("before", client.nextText());
            backend.nextHandshake();

            long frozenAt = System.nanoTime();
            network.freeze();
            assertEquals(1001, backend.nextClose(5).getCloseCode().getCode());
            long after = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt);
            assertTrue(after >= 1000, "the client was given two ping intervals, not " + after + " ms");
            assertEquals(0, proxy.awaitNoRelays(15), "the pair of the stalled client was not released");
        }
    }

    @Test
    void backendThatStallsIsFoundByPingsAndItsClientGets1014() throws Exception {
        try (TestBackend backend = TestBackend.start();
             TcpRelay network = new TcpRelay(backend.port());
             ProxyServer proxy = ProxyServer.route("/echo", URI.create("ws://127.0.0.1:" + network.port() + "/echo"),
                     "pingInterval", "500ms");
             WsClient client = WsClient.connect(proxy.ws("/echo"))) {
            client.sendText("before");
            assertEquals("before", client.nextText());

            long frozenAt = System.nanoTime();
            network.freeze();
            WsClient.Close close = client.awaitClose(5);
            assertEquals(1014, close.code(), close.toString());
            long after = TimeUnit.NANOSECONDS.toMillis(client.closedAtNanos() - frozenAt);
            assertTrue(after >= 1000, "the backend was given two ping intervals, not " + after + " ms");
            assertEquals(0, proxy.awaitNoRelays(15), "the pair of the stalled backend was not released");
        }
    }

    @Test
    void stalledConnectionIsClosedByIdleTimeoutOnTheSideStillThere() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", backend.uri("/echo"), "idleTimeout", "2s");
             TcpRelay network = new TcpRelay(proxy.port());
             WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + network.port() + "/echo"))) {
            client.sendText("before");
            assertEquals("before", client.nextText());

            network.freeze();
            var close = backend.nextClose(10);
            assertEquals(1001, close.getCloseCode().getCode());
            assertEquals("idle timeout", close.getReasonPhrase());
            assertEquals(0, proxy.awaitNoRelays(15), "the pair of the stalled client was not released");
        }
    }

    @Test
    void backendThatAnswersAfterTheConnectTimeoutIsNotLeftOpen() throws Exception {
        try (ScriptedBackend late = ScriptedBackend.answeringAfter(Duration.ofMillis(1200));
             ProxyServer proxy = ProxyServer.route("/echo", late.uri("/echo"), "connectTimeout", "300ms")) {
            assertEquals(504, WsClient.refusedStatus(proxy.ws("/echo"), Map.of()));
            // Its 101 would come a second later, for a client that is long gone. The proxy drops
            // the connection at the timeout ("end of stream"); had the answer raced the timeout,
            // it would close the session it opened instead ("close 1001"). Either way, nothing stays open.
            String ending = late.nextEnding(10);
            assertTrue("end of stream".equals(ending) || "close 1001".equals(ending), String.valueOf(ending));
            assertEquals(0, proxy.awaitNoRelays(5));
        }
    }

    @Test
    void backendThatNeverAnswersIsDisconnectedAfterThe504() throws Exception {
        try (ScriptedBackend silent = ScriptedBackend.silent();
             ProxyServer proxy = ProxyServer.route("/echo", silent.uri("/echo"), "connectTimeout", "300ms")) {
            for (int i = 0; i < 3; i++) {
                assertEquals(504, WsClient.refusedStatus(proxy.ws("/echo"), Map.of()), "attempt " + i);
                assertEquals("end of stream", silent.nextEnding(5), "attempt " + i + ": the connection is not left open");
            }
        }
    }

    @Test
    void clientsThatStallInTheMiddleOfAMessageAreFoundByPingsAndTheOthersKeepTheirPace() throws Exception {
        // Each stalled client is sending a 64 MiB message that the backend echoes, so both legs are
        // in the middle of a message when the network freezes; the healthy client must keep
        // getting its pings on time while the stalled pairs are found and closed.
        int stalled = 3;
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", backend.uri("/echo"), "pingInterval", "500ms");
             TcpRelay network = new TcpRelay(proxy.port());
             WsClient healthy = WsClient.connect(proxy.ws("/echo"))) {
            HttpClient http = HttpClient.newHttpClient();
            List<WebSocket> senders = new ArrayList<>();
            CountDownLatch echoing = new CountDownLatch(stalled);
            try {
                for (int i = 0; i < stalled; i++) {
                    WebSocket sender = http.newWebSocketBuilder()
                            .buildAsync(URI.create("ws://127.0.0.1:" + network.port() + "/echo"), new WebSocket.Listener() {
                                private boolean counted;

                                @Override
                                public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                                    if (!counted) {
                                        counted = true;
                                        echoing.countDown();
                                    }
                                    return null;
                                }
                            }).get(10, TimeUnit.SECONDS);
                    sender.request(Long.MAX_VALUE);
                    sender.sendBinary(ByteBuffer.allocate(64 << 20), true);
                    senders.add(sender);
                }
                assertTrue(echoing.await(10, TimeUnit.SECONDS), "the echo of every stalled client's message has begun");
                network.freeze();
                long frozenAt = System.nanoTime();

                long lastPing = System.nanoTime();
                long longestGap = 0;
                long deadline = frozenAt + TimeUnit.SECONDS.toNanos(10);
                while (backend.openSessions() > 1 && System.nanoTime() < deadline) {
                    if (healthy.nextPing(1) != null) {
                        long now = System.nanoTime();
                        longestGap = Math.max(longestGap, now - lastPing);
                        lastPing = now;
                    }
                }
                long found = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt);
                for (int i = 0; i < stalled; i++) {
                    assertEquals(1001, backend.nextClose(1).getCloseCode().getCode(), "stalled client " + i);
                }
                assertTrue(found < 5000, "stalled clients found after " + found + " ms");
                // 2.5 s: room for a busy machine, and half of the 5 s that one close to a stalled
                // client used to hold up every other connection's checks.
                assertTrue(longestGap < TimeUnit.MILLISECONDS.toNanos(2500), "the healthy client waited "
                        + TimeUnit.NANOSECONDS.toMillis(longestGap) + " ms for a ping (interval 500 ms)");
                assertEquals(1, proxy.awaitRelays(1, 15), "the stalled pairs were not released");
                healthy.sendText("still here");
                assertEquals("still here", healthy.nextText());
            } finally {
                senders.forEach(WebSocket::abort);
            }
        }
    }
}
