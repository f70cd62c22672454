package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.RawHandshake;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/** The headers of the backend's handshake request, as the backend sees them. */
@SuppressWarnings("try") // a client is often opened only for the handshake the backend records
class HeadersTest {

    @Test
    void endToEndHeadersReachBackend() throws Exception {
        Map<String, String> sent = Map.of(
                "Cookie", "a=1; b=2",
                "Authorization", "Bearer t0k3n",
                "User-Agent", "wsproxy-test/1.0",
                "Origin", "https://app.example",
                "X-Custom", "custom value");
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"));
             WsClient client = WsClient.connect(proxy.ws("/chat"), List.of(), sent)) {
            TestBackend.Handshake seen = backend.nextHandshake();
            assertAll(sent.entrySet().stream().map(header ->
                    () -> assertEquals(header.getValue(), seen.header(header.getKey()), header.getKey())));
        }
    }

    /** Cookies on two lines must be joined the way cookies are ("; "), not the way other headers are (", "). */
    @Test
    void cookiesOnTwoLinesArriveAsOneCookieHeader() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat")
                    .add("Cookie", "a=1").add("Cookie", "b=2").send(proxy.port());
            assertEquals(101, response.status(), response.statusLine());
            TestBackend.Handshake seen = backend.nextHandshake();
            assertEquals(List.of("a=1; b=2"), seen.headers().get("Cookie"));
        }
    }

    @Test
    void hopByHopHeadersAreNotForwarded() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat")
                    .set("Connection", "Upgrade, X-Hop")
                    .add("X-Hop", "1")
                    .add("Keep-Alive", "timeout=5")
                    .add("Proxy-Authorization", "Basic cHJveHk6c2VjcmV0")
                    .add("TE", "trailers")
                    .add("X-Custom", "kept")
                    .send(proxy.port());
            assertEquals(101, response.status(), response.statusLine());
            TestBackend.Handshake seen = backend.nextHandshake();
            assertAll(
                    () -> assertNull(seen.header("X-Hop"), "named in the client's Connection header"),
                    () -> assertNull(seen.header("Keep-Alive")),
                    () -> assertNull(seen.header("Proxy-Authorization")),
                    () -> assertNull(seen.header("TE")),
                    () -> assertFalse(seen.header("Connection").toLowerCase(Locale.ROOT).contains("x-hop"),
                            "the backend's Connection is the proxy's own: " + seen.header("Connection")),
                    () -> assertEquals("kept", seen.header("X-Custom")));
        }
    }

    /** Each leg has its own key, version and extensions. */
    @Test
    void backendHandshakeHasItsOwnKeyAndNoClientExtensions() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake request = RawHandshake.to(proxy.port(), "/chat")
                    .add("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits");
            RawHandshake.Response response = request.send(proxy.port());
            assertEquals(101, response.status(), response.statusLine());
            TestBackend.Handshake seen = backend.nextHandshake();
            String backendKey = seen.header("Sec-WebSocket-Key");
            assertNotNull(backendKey);
            assertNotEquals(request.key(), backendKey, "the backend leg must make its own key");
            assertEquals(List.of(backendKey), seen.headers().get("Sec-WebSocket-Key"), "exactly one key");
            assertEquals(16, Base64.getDecoder().decode(backendKey).length);
            assertEquals("13", seen.header("Sec-WebSocket-Version"));
            assertNull(seen.header("Sec-WebSocket-Extensions"),
                    "the client's extension offer belongs to its own leg (backendCompression is off)");
        }
    }

    @Test
    void droppedHeadersAreNotForwardedOthersAre() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"), "dropHeaders", "X-Secret,Cookie");
             WsClient client = WsClient.connect(proxy.ws("/chat"), List.of(),
                     Map.of("X-Secret", "s3cret", "Cookie", "a=1; b=2", "X-Custom", "kept", "Authorization", "Bearer t"))) {
            TestBackend.Handshake seen = backend.nextHandshake();
            assertAll(
                    () -> assertNull(seen.header("X-Secret")),
                    () -> assertNull(seen.header("Cookie")),
                    () -> assertEquals("kept", seen.header("X-Custom")),
                    () -> assertEquals("Bearer t", seen.header("Authorization")));
        }
    }

    /** dropHeaders names are case-insensitive, as header names are. */
    @Test
    void dropHeadersMatchesAnyCase() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"), "dropHeaders", "x-secret");
             WsClient client = WsClient.connect(proxy.ws("/chat"), List.of(), Map.of("X-SECRET", "s3cret"))) {
            assertNull(backend.nextHandshake().header("X-Secret"));
        }
    }

    @Test
    void xForwardedHeadersDescribeTheClientConnection() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"));
             WsClient client = WsClient.connect(proxy.ws("/chat"))) {
            TestBackend.Handshake seen = backend.nextHandshake();
            assertAll(
                    () -> assertEquals("127.0.0.1", seen.header("X-Forwarded-For")),
                    () -> assertEquals("http", seen.header("X-Forwarded-Proto")),
                    () -> assertEquals("127.0.0.1:" + proxy.port(), seen.header("X-Forwarded-Host")),
                    () -> assertEquals(Integer.toString(proxy.port()), seen.header("X-Forwarded-Port")));
        }
    }

    /** The client's X-Forwarded-For chain is extended; its other X-Forwarded-* are replaced by the proxy's. */
    @Test
    void xForwardedForChainIsExtendedAndTheRestReplaced() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"));
             WsClient client = WsClient.connect(proxy.ws("/chat"), List.of(), Map.of(
                     "X-Forwarded-For", "203.0.113.9",
                     "X-Forwarded-Proto", "https",
                     "X-Forwarded-Host", "spoofed.example",
                     "X-Forwarded-Port", "443"))) {
            TestBackend.Handshake seen = backend.nextHandshake();
            assertAll(
                    () -> assertEquals(List.of("203.0.113.9, 127.0.0.1"), seen.headers().get("X-Forwarded-For")),
                    () -> assertEquals(List.of("http"), seen.headers().get("X-Forwarded-Proto")),
                    () -> assertEquals(List.of("127.0.0.1:" + proxy.port()), seen.headers().get("X-Forwarded-Host")),
                    () -> assertEquals(List.of(Integer.toString(proxy.port())), seen.headers().get("X-Forwarded-Port")));
        }
    }

    @Test
    void xForwardedFalseAddsNothingAndPassesTheClientsUnchanged() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"), "xForwarded", "false");
             WsClient client = WsClient.connect(proxy.ws("/chat"), List.of(), Map.of("X-Forwarded-For", "203.0.113.9"))) {
            TestBackend.Handshake seen = backend.nextHandshake();
            assertAll(
                    () -> assertEquals("203.0.113.9", seen.header("X-Forwarded-For")),
                    () -> assertNull(seen.header("X-Forwarded-Proto")),
                    () -> assertNull(seen.header("X-Forwarded-Host")),
                    () -> assertNull(seen.header("X-Forwarded-Port")));
        }
    }

    @Test
    void xForwardedFalseWithoutClientHeadersSendsNone() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"), "xForwarded", "false");
             WsClient client = WsClient.connect(proxy.ws("/chat"))) {
            TestBackend.Handshake seen = backend.nextHandshake();
            List<String> forwarded = seen.headers().keySet().stream()
                    .filter(name -> name.toLowerCase(Locale.ROOT).startsWith("x-forwarded-")).toList();
            assertEquals(List.of(), forwarded);
        }
    }

    @Test
    void hostIsTheBackendsByDefault() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"));
             WsClient client = WsClient.connect(proxy.ws("/chat"))) {
            assertEquals(List.of("127.0.0.1:" + backend.port()), backend.nextHandshake().headers().get("Host"));
        }
    }

    @Test
    void preserveHostSendsTheClientsHost() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"), "preserveHost", "true");
             WsClient client = WsClient.connect(proxy.ws("/chat"))) {
            assertEquals(List.of("127.0.0.1:" + proxy.port()), backend.nextHandshake().headers().get("Host"));
        }
    }

    /** Only the proxy may say who the user is; a client claiming it is not believed (forwardUser or not). */
    @Test
    void clientSentForwardedUserNeverReachesBackend() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"));
             WsClient client = WsClient.connect(proxy.ws("/chat"), List.of(), Map.of("X-Forwarded-User", "admin"))) {
            assertNull(backend.nextHandshake().header("X-Forwarded-User"));
        }
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"), "xForwarded", "false");
             WsClient client = WsClient.connect(proxy.ws("/chat"), List.of(), Map.of("x-forwarded-user", "admin"))) {
            assertNull(backend.nextHandshake().header("X-Forwarded-User"), "removed even when the X-Forwarded headers pass as sent");
        }
    }

    /** The JDK client sends no Origin; the backend leg's client (Tyrus) must not invent one. */
    @Test
    void absentOriginStaysAbsent() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"));
             WsClient client = WsClient.connect(proxy.ws("/chat"))) {
            TestBackend.Handshake seen = backend.nextHandshake();
            assertNull(seen.header("Origin"));
            assertNull(seen.header("Sec-WebSocket-Origin"));
        }
    }

    /** The whole request, to catch anything forwarded twice (client's value plus Tyrus's own). */
    @Test
    void noHeaderArrivesTwice() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"), "preserveHost", "true");
             WsClient client = WsClient.connect(proxy.ws("/chat"), List.of("v1.wsproxy.test"), Map.of(
                     "User-Agent", "wsproxy-test/1.0", "Origin", "https://app.example", "Cookie", "a=1"))) {
            TestBackend.Handshake seen = backend.nextHandshake();
            seen.headers().forEach((name, values) ->
                    assertTrue(values.size() == 1 && !values.get(0).isEmpty(), name + " arrived as " + values));
            assertEquals("127.0.0.1:" + proxy.port(), seen.header("Host"));
            assertEquals("wsproxy-test/1.0", seen.header("User-Agent"));
            assertEquals("https://app.example", seen.header("Origin"));
        }
    }
}
