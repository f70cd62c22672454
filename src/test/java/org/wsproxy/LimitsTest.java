package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/** maxMessageSize, idleTimeout and pingInterval, as the client and the backend see them. */
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
             ProxyServer proxy = ProxyServer.route("/echo", backend.uri("/echo"), "pingInterval", "20ms");
             WsClient client = WsClient.connect(proxy.ws("/echo"))) {
            for (int i = 0; i < 40; i++) {
                client.sendBinary(payload);
                org.junit.jupiter.api.Assertions.assertArrayEquals(payload, client.nextBinary(), "message " + i);
            }
            assertNotNull(client.nextPing(2), "pings were sent meanwhile");
            assertEquals(1, backend.openSessions());
        }
    }
}
