package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;


import java.nio.charset.StandardCharsets;

import jakarta.websocket.CloseReason;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.RawClient;
import org.wsproxy.support.TcpRelay;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WireFrames;
import org.wsproxy.support.WsClient;

/** Closes travel from each leg to the other with the same code and reason, or the documented mapping. */
class CloseTest {

    // Each test has its own backend, so that the closes it records are this test's alone.
    private TestBackend backend;
    private ProxyServer proxy;

    @BeforeEach
    void start() {
        backend = TestBackend.start();
        proxy = ProxyServer.route("/echo", backend.uri("/echo"));
    }

    @AfterEach
    void stop() throws InterruptedException {
        try {
            // Nothing half-open: whatever the test did, both legs closed and the pair was released.
            assertEquals(0, proxy.awaitNoRelays(2), "relays still held after the test");
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (backend.openSessions() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, backend.openSessions(), "backend sessions still open 2 s after the test");
        } finally {
            proxy.close();
            backend.close();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 3000, 4000, 4999})
    void clientCloseReachesBackendWithSameCodeAndReason(int code) throws Exception {
        try (WsClient client = WsClient.connect(proxy.ws("/echo"))) {
            client.sendText("ready?");
            assertEquals("ready?", client.nextText());
            client.close(code, "client says " + code);
            CloseReason seen = backend.nextClose(5);
            assertEquals(code, seen.getCloseCode().getCode());
            assertEquals("client says " + code, seen.getReasonPhrase());
            assertEquals(code, client.awaitClose(5).code(), "the close handshake completes back to the client");
        }
    }

    /** The JDK client sends only 1000 and 3000-4999; the other codes a client may send go out as raw frames. */
    @ParameterizedTest
    @ValueSource(ints = {1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011})
    void clientCloseWithOtherCodesReachesBackendWithSameCodeAndReason(int code) throws Exception {
        try (RawClient client = RawClient.connect(proxy.port(), "/echo")) {
            client.frame(true, 0x8, WireFrames.closePayload(code, ("client says " + code).getBytes(StandardCharsets.UTF_8)));
            CloseReason seen = backend.nextClose(5);
            assertEquals(code, seen.getCloseCode().getCode());
            assertEquals("client says " + code, seen.getReasonPhrase());
            RawClient.Frame answer = client.read();
            assertEquals(0x8, answer.opcode());
            assertEquals(code, answer.closeCode(), "the close handshake completes back to the client");
        }
    }

    /**
     * Pins a limitation of Tomcat's WebSocket stack (README, Known limitations): it reports a
     * client's 1012, 1013 and 1014 to the application as 1002 ({@code org.apache.tomcat.websocket.Util.getCloseCode},
     * 10.1.59), so the backend gets 1002 with the client's reason.
     */
    @ParameterizedTest
    @ValueSource(ints = {1012, 1013, 1014})
    void aClientsCodesThatTomcatDoesNotKnowReachTheBackendAs1002(int code) throws Exception {
        try (RawClient client = RawClient.connect(proxy.port(), "/echo")) {
            client.frame(true, 0x8, WireFrames.closePayload(code, ("client says " + code).getBytes(StandardCharsets.UTF_8)));
            CloseReason seen = backend.nextClose(5);
            assertEquals(1002, seen.getCloseCode().getCode());
            assertEquals("client says " + code, seen.getReasonPhrase());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1003, 1007, 1008, 1011, 1012, 1013, 3000, 4000, 4999})
    void backendCloseReachesClientWithSameCodeAndReason(int code) throws Exception {
        try (WsClient client = WsClient.connect(proxy.ws("/echo"))) {
            client.sendText("close:" + code + ":backend says " + code);
            WsClient.Close seen = client.awaitClose(5);
            assertEquals(code, seen.code());
            assertEquals("backend says " + code, seen.reason());
            assertEquals(code, backend.nextClose(5).getCloseCode().getCode());
        }
    }

    @Test
    void backendCloseWithBadGatewayReachesClientAsBadGateway() throws Exception {
        // Tyrus's client drops the reason of a 1014 (see TyrusCloses); the code still gets through.
        try (WsClient client = WsClient.connect(proxy.ws("/echo"))) {
            client.sendText("close:1014:upstream of the backend failed");
            assertEquals(1014, client.awaitClose(5).code());
        }
    }

    @Test
    void clientCloseWithoutStatusReachesBackendAsNormalClosure() throws Exception {
        // A close frame with an empty body is reported as 1005, which must never be sent: the backend gets 1000.
        try (RawClient client = RawClient.connect(proxy.port(), "/echo")) {
            client.frame(true, 0x8, new byte[0]);
            CloseReason seen = backend.nextClose(5);
            assertEquals(1000, seen.getCloseCode().getCode());
        }
    }

    @Test
    void clientThatVanishesClosesBackendWithGoingAwayWithinOneSecond() throws Exception {
        try (TcpRelay relay = new TcpRelay(proxy.port())) {
            WsClient client = WsClient.connect(proxy.ws("/echo").resolve("//127.0.0.1:" + relay.port() + "/echo"));
            client.sendText("ping");
            assertEquals("ping", client.nextText());
            long start = System.nanoTime();
            relay.resetAll();
            CloseReason seen = backend.nextClose(1);
            assertEquals(1001, seen.getCloseCode().getCode());
            assertTrue(System.nanoTime() - start < 1_000_000_000L);
            client.close();
            assertEquals(0, proxy.awaitNoRelays(5), "the pair of the vanished client was not released");
        }
    }

    @Test
    void backendThatVanishesClosesClientWithBadGatewayWithinOneSecond() throws Exception {
        try (TcpRelay relay = new TcpRelay(backend.port());
             ProxyServer viaRelay = ProxyServer.route("/echo", backend.uri("/echo").resolve("//127.0.0.1:" + relay.port() + "/echo"));
             WsClient client = WsClient.connect(viaRelay.ws("/echo"))) {
            client.sendText("ping");
            assertEquals("ping", client.nextText());
            relay.resetAll();
            WsClient.Close seen = client.awaitClose(1);
            assertEquals(1014, seen.code());
            assertEquals(0, viaRelay.awaitNoRelays(5), "the pair of the vanished backend was not released");
        }
    }

    @Test
    void stoppingTheApplicationClosesClientsAndBackendsWithGoingAway() throws Exception {
        try (ProxyServer own = ProxyServer.route("/echo", backend.uri("/echo"))) {
            WsClient client = WsClient.connect(own.ws("/echo"));
            client.sendText("ping");
            assertEquals("ping", client.nextText());
            own.stopApplication();
            assertEquals(1001, client.awaitClose(5).code());
            assertEquals(1001, backend.nextClose(5).getCloseCode().getCode());
            client.close();
            assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("wsproxy-timer[]")
                    || t.getName().startsWith("wsproxy-check[]")), "the application's timer and check threads are stopped");
        }
        try (WsClient client = WsClient.connect(proxy.ws("/echo"))) {
            // The other application in this JVM is unaffected by the one that stopped.
            client.sendText("still here");
            assertEquals("still here", client.nextText());
        }
    }
}
