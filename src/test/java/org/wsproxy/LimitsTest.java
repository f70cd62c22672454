package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.ScriptedBackend;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/** maxMessageSize, idleTimeout, pingInterval and maxConnections, as the client and the backend see them. */
class LimitsTest {

    @Test
    void messageFromClientLargerThanMaxMessageSizeClosesBothSidesWith1009() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", backend.uri("/echo"), "maxMessageSize", "1KiB");
             WsClient client = WsClient.connect(proxy.ws("/echo"))) {
            client.sendBinary(new byte[1024]);
            assertEquals(1024, client.nextBinary().length, "a message of exactly maxMessageSize passes");
            client.sendBinary(new byte[1025]);
            assertEquals(1009, client.awaitClose(5).code());
            assertEquals(1009, backend.nextClose(5).getCloseCode().getCode());
        }
    }

    @Test
    void messageFromBackendLargerThanMaxMessageSizeClosesBothSidesWith1009() throws Exception {
        String greeting = "g".repeat(2000);
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", backend.uri("/echo"), "maxMessageSize", "1KiB");
             WsClient client = WsClient.connect(proxy.ws("/echo?greet=" + greeting))) {
            assertEquals(1009, client.awaitClose(5).code());
            assertEquals(1009, backend.nextClose(5).getCloseCode().getCode());
        }
    }

    @Test
    void idleTimeoutClosesBothSidesWithGoingAwayAndTrafficKeepsTheConnectionOpen() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", backend.uri("/echo"), "idleTimeout", "600ms");
             WsClient client = WsClient.connect(proxy.ws("/echo"))) {
            long start = System.nanoTime();
            // Traffic every 200 ms for 1.5 s, well past the idle timeout: the connection stays up.
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1500)) {
                client.sendText("still here");
                assertEquals("still here", client.nextText());
                assertTrue(client.nextPing(0) == null);
                Thread.sleep(200);
            }
            long idleFrom = System.nanoTime();
            WsClient.Close close = client.awaitClose(5);
            long idleFor = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - idleFrom);
            assertEquals(1001, close.code());
            assertEquals("idle timeout", close.reason());
            assertTrue(idleFor >= 300 && idleFor < 3000, "closed after " + idleFor + " ms of silence");
            assertEquals(1001, backend.nextClose(5).getCloseCode().getCode());
        }
    }

    @Test
    void pingIntervalPingsTheClientAndBothLegsStayOpenWhileTheyAnswer() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", backend.uri("/echo"), "pingInterval", "200ms");
             WsClient client = WsClient.connect(proxy.ws("/echo"))) {
            for (int i = 0; i < 4; i++) {
                assertNotNull(client.nextPing(3), "ping " + i + " reached the client");
            }
            // A leg that had not answered the previous ping would have been closed by now
            // (the backend's with 1014 to the client): both answered, so messages still flow.
            client.sendText("alive");
            assertEquals("alive", client.nextText());
            assertEquals(1, backend.openSessions());
        }
    }

    @Test
    void pingsAndLargeMessagesInterleaveWithoutConcurrentSends() throws Exception {
        // Pings from the timer thread and message parts from the delivery threads go to the same
        // sessions; Tomcat fails a send that overlaps another, so an unserialized proxy would drop
        // the connection here.
        byte[] payload = new byte[256 * 1024];
        new java.util.Random(7).nextBytes(payload);
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", backend.uri("/echo"), "pingInterval", "50ms");
             WsClient client = WsClient.connect(proxy.ws("/echo"))) {
            for (int i = 0; i < 40; i++) {
                client.sendBinary(payload);
                // Fails at once, naming the close, if the connection ended.
                org.junit.jupiter.api.Assertions.assertArrayEquals(payload, client.nextBinary(java.time.Duration.ofSeconds(10)),
                        "message " + i);
            }
            assertNotNull(client.nextPing(2), "pings were sent meanwhile");
            assertEquals(1, backend.openSessions());
        }
    }

    @Test
    void handshakePastMaxConnectionsGets503WithRetryAfterAndTheOpenOnesAreUnaffected() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", backend.uri("/echo"), "maxConnections", "2");
             WsClient first = WsClient.connect(proxy.ws("/echo"));
             WsClient second = WsClient.connect(proxy.ws("/echo"))) {
            backend.nextHandshake();
            backend.nextHandshake();

            WsClient.Refused refused = assertThrows(WsClient.Refused.class, () -> WsClient.connect(proxy.ws("/echo")));
            assertEquals(503, refused.status);
            assertEquals(List.of("5"), refused.headers.get("retry-after"));
            assertTrue(backend.noHandshake(), "the refused handshake opened no backend connection");

            for (WsClient open : List.of(first, second)) {
                open.sendText("still served");
                assertEquals("still served", open.nextText());
            }
            assertEquals(2, backend.openSessions());

            // A slot frees once both legs of a connection have closed.
            first.close(1000, "done");
            assertEquals(1000, backend.nextClose(5).getCloseCode().getCode());
            assertEquals(1, proxy.awaitRelays(1, 5));
            try (WsClient third = WsClient.connect(proxy.ws("/echo"))) {
                third.sendText("third");
                assertEquals("third", third.nextText());
            }
        }
    }

    @Test
    void refusedHandshakesDoNotHoldASlot() throws Exception {
        // Handshakes that fail (here: the backend is down, 502) give their slot back at once.
        try (ProxyServer proxy = ProxyServer.route("/echo",
                java.net.URI.create("ws://127.0.0.1:" + ScriptedBackend.unusedPort() + "/echo"), "maxConnections", "1")) {
            for (int i = 0; i < 3; i++) {
                assertEquals(502, WsClient.refusedStatus(proxy.ws("/echo"), java.util.Map.of()), "attempt " + i);
            }
        }
    }
}
