package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.LogCapture;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.ScriptedBackend;
import org.wsproxy.support.SlammingBackend;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/**
 * Several backends per route: balance, skipping a failed backend within connectTimeout, maxFails and
 * failTimeout, the health check, and 503 when no backend is left; as clients and backends see them.
 */
class BalancingTest {

    private static String list(URI... backends) {
        List<String> all = new ArrayList<>();
        for (URI uri : backends) {
            all.add(uri.toString());
        }
        return String.join(", ", all);
    }

    private static void echoes(WsClient client) throws InterruptedException {
        client.sendText("ping?");
        assertEquals("ping?", client.nextText());
    }

    @Test
    void roundRobinGivesEachBackendItsTurn() throws Exception {
        try (TestBackend a = TestBackend.start(); TestBackend b = TestBackend.start(); TestBackend c = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", null, "backend", list(a.uri("/echo"), b.uri("/echo"), c.uri("/echo")))) {
            List<WsClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    WsClient client = WsClient.connect(proxy.ws("/echo"));
                    clients.add(client);
                    echoes(client);
                }
                assertEquals(List.of(2, 2, 2), List.of(a.handshakes(), b.handshakes(), c.handshakes()));
            } finally {
                clients.forEach(WsClient::close);
            }
        }
    }

    @Test
    void leastConnectionsSendsNewConnectionsToTheBackendWithFewest() throws Exception {
        try (TestBackend a = TestBackend.start(); TestBackend b = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", null, "backend", list(a.uri("/echo"), b.uri("/echo")),
                     "balance", "least-connections")) {
            Map<String, WsClient> clients = new java.util.LinkedHashMap<>();
            try {
                for (int i = 0; i < 4; i++) {
                    clients.put("c" + i, WsClient.connect(proxy.ws("/echo"), List.of(), Map.of("X-Client", "c" + i)));
                }
                assertEquals(2, a.handshakes());
                assertEquals(2, b.handshakes());
                // The two clients on a leave; the next two connections both go to a, where round-robin
                // would send one of them to b.
                for (int i = 0; i < 2; i++) {
                    WsClient client = clients.remove(a.nextHandshake().header("X-Client"));
                    client.close(1000, "bye");
                    client.awaitClose(5);
                }
                assertEquals(2, proxy.awaitRelays(2, 5));
                for (int i = 4; i < 6; i++) {
                    clients.put("c" + i, WsClient.connect(proxy.ws("/echo"), List.of(), Map.of("X-Client", "c" + i)));
                }
                assertEquals(4, a.handshakes());
                assertEquals(2, b.handshakes());
            } finally {
                clients.values().forEach(WsClient::close);
            }
        }
    }

    @Test
    void ipHashKeepsEachClientAddressOnOneBackend() throws Exception {
        try (TestBackend a = TestBackend.start(); TestBackend b = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", null, "backend", list(a.uri("/echo"), b.uri("/echo")),
                     "balance", "ip-hash", "trustedProxies", "127.0.0.1")) {
            int usedA = 0;
            for (int address = 1; address <= 12; address++) {
                int aBefore = a.handshakes();
                int bBefore = b.handshakes();
                for (int i = 0; i < 3; i++) {
                    try (WsClient client = WsClient.connect(proxy.ws("/echo"), List.of(),
                            Map.of("X-Forwarded-For", "203.0.113." + address))) {
                        echoes(client);
                    }
                }
                int onA = a.handshakes() - aBefore;
                int onB = b.handshakes() - bBefore;
                assertTrue(onA == 3 && onB == 0 || onA == 0 && onB == 3,
                        "client 203.0.113." + address + " went to a " + onA + " times, to b " + onB + " times");
                usedA += onA == 3 ? 1 : 0;
            }
            assertTrue(usedA > 0 && usedA < 12, usedA + " of 12 addresses went to a: both backends share the clients");
        }
    }

    /**
     * A backend that resets every connection is skipped: every client gets its 101 from the other.
     * After maxFails failures in a row it gets no connection for failTimeout, and then one again.
     */
    @Test
    void aFailingBackendIsSkippedAndRestsForFailTimeoutAfterMaxFails() throws Exception {
        try (SlammingBackend broken = new SlammingBackend(); TestBackend good = TestBackend.start();
             LogCapture log = new LogCapture("org.wsproxy.pool");
             ProxyServer proxy = ProxyServer.route("/echo", null, "backend", list(broken.uri("/echo"), good.uri("/echo")),
                     "maxFails", "2", "failTimeout", "3s")) {
            // Round-robin: every other connection tries the broken backend first; the third one's
            // failure is the second in a row, and takes it out (at outSince or a little after).
            long outSince = 0;
            for (int i = 0; i < 4; i++) {
                outSince = i == 2 ? System.nanoTime() : outSince;
                try (WsClient client = WsClient.connect(proxy.ws("/echo"))) {
                    echoes(client);
                }
            }
            assertEquals(2, broken.connections());
            assertEquals(4, good.handshakes());
            assertTrue(log.messages().stream().anyMatch(m -> m.contains("backend [" + broken.uri("/echo")
                    + "] is out of rotation for PT3S after 2 failed connects in a row")), log.messages().toString());
            for (int i = 0; i < 4; i++) {
                try (WsClient client = WsClient.connect(proxy.ws("/echo"))) {
                    echoes(client);
                }
            }
            long restedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outSince);
            if (restedMillis < 3000) {
                assertEquals(2, broken.connections(), "no connection tried the resting backend");
            }
            // Once failTimeout has passed, a connection tries it again (and still gets its 101 from the other).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (broken.connections() == 2 && System.nanoTime() < deadline) {
                try (WsClient client = WsClient.connect(proxy.ws("/echo"))) {
                    echoes(client);
                }
            }
            long triedAgainAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outSince);
            assertEquals(3, broken.connections(), "tried again once failTimeout had passed");
            assertTrue(triedAgainAfter >= 3000, "tried again after " + triedAgainAfter + " ms");
        }
    }

    /** Backends that do not answer share connectTimeout: the client reaches the third backend within it. */
    @Test
    void backendsThatDoNotAnswerShareConnectTimeout() throws Exception {
        try (ScriptedBackend silent1 = ScriptedBackend.silent(); ScriptedBackend silent2 = ScriptedBackend.silent();
             TestBackend good = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", null, "backend",
                     list(silent1.uri("/echo"), silent2.uri("/echo"), good.uri("/echo")), "connectTimeout", "3s")) {
            long start = System.nanoTime();
            try (WsClient client = WsClient.connect(proxy.ws("/echo"))) {
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                echoes(client);
                assertEquals(1, silent1.connections());
                assertEquals(1, silent2.connections());
                // Each silent backend had its third of 3 s; without the sharing, the first alone would take 3 s.
                assertTrue(tookMillis >= 1900 && tookMillis < 3000 + 1500, "took " + tookMillis + " ms");
            }
        }
    }

    @Test
    void whenEveryBackendFailsTheClientGetsTheLastFailureThen503UntilOneIsBack() throws Exception {
        try (SlammingBackend one = new SlammingBackend(); SlammingBackend two = new SlammingBackend();
             ProxyServer proxy = ProxyServer.route("/echo", null, "backend", list(one.uri("/echo"), two.uri("/echo")),
                     "failTimeout", "1m")) {
            assertEquals(502, WsClient.refusedStatus(proxy.ws("/echo"), Map.of()));
            assertEquals(1, one.connections());
            assertEquals(1, two.connections());
            WsClient.Refused refused = refusedWithHeaders(proxy.ws("/echo"));
            assertEquals(503, refused.status);
            assertEquals(List.of("5"), refused.headers.get("retry-after"));
            assertEquals(1, one.connections() + two.connections() - 1, "no backend was tried");
        }
        try (ScriptedBackend silent1 = ScriptedBackend.silent(); ScriptedBackend silent2 = ScriptedBackend.silent();
             ProxyServer proxy = ProxyServer.route("/echo", null, "backend", list(silent1.uri("/echo"), silent2.uri("/echo")),
                     "connectTimeout", "1s")) {
            long start = System.nanoTime();
            assertEquals(504, WsClient.refusedStatus(proxy.ws("/echo"), Map.of()));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(tookMillis < 1000 + 1500, "504 after " + tookMillis + " ms");
            assertEquals(1, silent1.connections());
            assertEquals(1, silent2.connections());
        }
    }

    /**
     * Tyrus alone noticed no close before the handshake answer and waited for the whole
     * connectTimeout (a 504 after 10 s here, and no time left for another backend); now the close
     * fails the handshake at once.
     */
    @Test
    void aBackendThatDropsTheConnectionBeforeAnsweringIsA502AtOnce() throws Exception {
        try (SlammingBackend broken = new SlammingBackend();
             ProxyServer proxy = ProxyServer.route("/echo", broken.uri("/echo"), "connectTimeout", "10s")) {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                assertEquals(502, WsClient.refusedStatus(proxy.ws("/echo"), Map.of()));
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(tookMillis < 3000, "502 after " + tookMillis + " ms");
            }
            assertEquals(3, broken.connections(), "a route's only backend is never out of rotation");
        }
    }

    private static WsClient.Refused refusedWithHeaders(URI uri) {
        try (WsClient client = WsClient.connect(uri)) {
            throw new AssertionError("handshake to " + uri + " succeeded; expected it to be refused");
        } catch (WsClient.Refused refused) {
            return refused;
        }
    }

    /**
     * With healthCheckInterval, a dead backend is found by the probes before any client tries it,
     * and put back by the first probe it answers, long before its failTimeout is over.
     */
    @Test
    void healthChecksTakeADeadBackendOutAndPutItBackWhenItAnswers() throws Exception {
        int port = ScriptedBackend.unusedPort();
        URI later = URI.create("ws://127.0.0.1:" + port + "/echo");
        try (TestBackend good = TestBackend.start(); LogCapture log = new LogCapture("org.wsproxy.pool");
             ProxyServer proxy = ProxyServer.route("/echo", null, "backend", list(good.uri("/echo"), later),
                     "healthCheckInterval", "200ms", "failTimeout", "5m")) {
            awaitLogged(log, "backend [" + later + "] is out of rotation for PT5M");
            try (TestBackend revived = TestBackend.start(port)) {
                TestBackend.Handshake probe = revived.nextHandshake();
                assertEquals("wsproxy-health-check", probe.header("User-Agent"));
                assertEquals("/echo", probe.path());
                awaitLogged(log, "backend [" + later + "] answers again; back in rotation");
                int before = revived.handshakes();
                for (int i = 0; i < 2; i++) {
                    try (WsClient client = WsClient.connect(proxy.ws("/echo"))) {
                        echoes(client);
                    }
                }
                assertTrue(revived.handshakes() > before, "a client reached the revived backend");
            }
        }
    }

    private static void awaitLogged(LogCapture log, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (log.messages().stream().noneMatch(m -> m.contains(text))) {
            assertTrue(System.nanoTime() < deadline, "not logged within 10 s: " + text + "; logged: " + log.messages());
            Thread.sleep(20);
        }
    }
}
