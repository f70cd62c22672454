package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.RawHandshake;
import org.wsproxy.support.ScriptedBackend;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/**
 * The path and query of the backend's handshake request, as the backend sees them.
 *
 * <p>{@link TestBackend.Handshake#path()} is {@code getRequestURI().getPath()} of the backend's
 * handshake request: its request target percent-decoded once and not normalized (the backend's
 * container maps the normalized form: "/echo/../slow" reaches /slow). The query is the raw query
 * string. {@link ScriptedBackend} shows the request line itself, byte for byte.
 *
 * <p>Paths aimed at leaving the backend path are in {@link PathTricksTest}.
 */
@SuppressWarnings("try") // a client is often opened only for the handshake the backend records
class BackendUrlTest {

    @Test
    void exactRouteGoesToTheBackendPath() throws Exception {
        TestBackend.Handshake seen = backendSees("/chat", "/echo", "/chat");
        assertEquals("/echo", seen.path());
        assertNull(seen.query());
    }

    @Test
    void prefixRouteAppendsThePathBelowThePrefix() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat/*", backend.uri("/echo"))) {
            try (WsClient client = WsClient.connect(proxy.ws("/chat/room1"))) {
                assertEquals("/echo/room1", backend.nextHandshake().path());
            }
            try (WsClient client = WsClient.connect(proxy.ws("/chat/a/b"))) {
                assertEquals("/echo/a/b", backend.nextHandshake().path());
            }
            try (WsClient client = WsClient.connect(proxy.ws("/chat"))) {
                assertEquals("/echo", backend.nextHandshake().path(), "nothing below the prefix, nothing appended");
            }
        }
    }

    /** A backend URL ending in "/" is not doubled into "//" by the appended path. */
    @Test
    void backendPathWithTrailingSlashIsJoinedWithOneSlash() throws Exception {
        assertEquals("/echo/room1", backendSees("/chat/*", "/echo/", "/chat/room1").path());
    }

    /** A backend URL without a path: the path below the prefix is the whole backend path. */
    @Test
    void backendUrlWithoutPathGetsThePathBelowThePrefix() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat/*", URI.create("ws://127.0.0.1:" + backend.port()));
             WsClient client = WsClient.connect(proxy.ws("/chat/echo/room1"))) {
            assertEquals("/echo/room1", backend.nextHandshake().path());
        }
    }

    /** The route "/*" takes every path; the proxy's internal endpoint path stays refused. */
    @Test
    void rootPrefixRouteForwardsTheWholePath() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/*", backend.uri("/echo"))) {
            try (WsClient client = WsClient.connect(proxy.ws("/a/b"))) {
                assertEquals("/echo/a/b", backend.nextHandshake().path());
            }
            assertEquals(403, WsClient.refusedStatus(proxy.ws("/wsproxy-internal/route-0"), Map.of()));
            assertTrue(backend.noHandshake());
        }
    }

    @Test
    void forwardPathFalseAlwaysUsesTheBackendPath() throws Exception {
        assertEquals("/echo", backendSees("/chat/*", "/echo", "/chat/room1", "forwardPath", "false").path());
    }

    @Test
    void clientQueryIsForwarded() throws Exception {
        TestBackend.Handshake seen = backendSees("/chat", "/echo", "/chat?x=1&y=2");
        assertEquals("/echo", seen.path());
        assertEquals("x=1&y=2", seen.query());
    }

    @Test
    void clientQueryFollowsTheBackendUrlsQuery() throws Exception {
        assertEquals("k=v&x=1", backendSees("/chat", "/echo?k=v", "/chat?x=1").query());
    }

    /** The query travels as it came: not decoded, so an encoded '&' or '=' stays data. */
    @Test
    void clientQueryIsForwardedStillEncoded() throws Exception {
        assertEquals("q=a%26b%3Dc&sp=%20", backendSees("/chat", "/echo", "/chat?q=a%26b%3Dc&sp=%20").query());
    }

    @Test
    void forwardQueryFalseKeepsOnlyTheBackendUrlsQuery() throws Exception {
        assertEquals("k=v", backendSees("/chat", "/echo?k=v", "/chat?x=1", "forwardQuery", "false").query());
        assertNull(backendSees("/chat", "/echo", "/chat?x=1", "forwardQuery", "false").query());
    }

    /** The path below the prefix is re-encoded for the backend: an encoded space reaches it as a space. */
    @Test
    void encodedSpaceInPathReachesBackend() throws Exception {
        assertEquals("/echo/a b", backendSees("/chat/*", "/echo", "/chat/a%20b").path());
    }

    @Test
    void encodedUtf8InPathReachesBackend() throws Exception {
        assertEquals("/echo/caf\u00e9", backendSees("/chat/*", "/echo", "/chat/caf%C3%A9").path());
    }

    /**
     * An encoded '?' in the client's path is path data: it must not become the start of a query on
     * the backend (which would let a client add query parameters the route's backend URL did not).
     */
    @Test
    void encodedQuestionMarkStaysInThePath() throws Exception {
        TestBackend.Handshake seen = backendSees("/chat/*", "/echo", "/chat/a%3Fadmin=1");
        assertEquals("/echo/a?admin=1", seen.path());
        assertNull(seen.query());
    }

    /**
     * An encoded '%' stays encoded: the client's "%252e%252e" is the literal segment "%2e%2e" below
     * the route, and must reach the backend as that segment (TestBackend's /echo/{a}/{b}), never as
     * a ".." that the backend resolves: decoded once too often, it is a request for /slow.
     */
    @Test
    void doubleEncodedDotSegmentsStayBelowTheBackendPath() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat/*", backend.uri("/echo"));
             WsClient client = WsClient.connect(proxy.ws("/chat/%252e%252e/slow"))) {
            assertEquals("/echo/%2e%2e/slow", backend.nextHandshake().path(),
                    "a path with a bare .. segment is resolved by the backend's container, here to /slow");
            client.sendText("still below /echo?");
            assertEquals("still below /echo?", client.nextText(), "/echo/{a}/{b} echoes; /slow would not");
        }
    }

    /**
     * The request target on the backend's wire, byte for byte: the path below the prefix
     * re-encoded, the query as the client sent it.
     */
    @ParameterizedTest
    @CsvSource({
            "/chat/room1?x=1&y=2,      /echo/room1?x=1&y=2",
            "/chat/room1?,             /echo/room1",
            "/chat/a%20b,              /echo/a%20b",
            "/chat/caf%C3%A9,          /echo/caf%C3%A9",
            "/chat/a%3Fadmin=1,        /echo/a%3Fadmin=1",
            "/chat/%252e%252e/slow,    /echo/%252e%252e/slow",
            "/chat/x?q=a%26b%3Dc,      /echo/x?q=a%26b%3Dc",
            "/chat/x?pct=%2541,        /echo/x?pct=%2541"})
    void backendRequestLineCarriesThePathAndQueryEncoded(String clientTarget, String backendTarget) throws Exception {
        try (ScriptedBackend scripted = ScriptedBackend.choosing("");
             ProxyServer proxy = ProxyServer.route("/chat/*", scripted.uri("/echo"))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), clientTarget).send(proxy.port());
            assertEquals(101, response.status(), response.statusLine());
            assertEquals("GET " + backendTarget + " HTTP/1.1", scripted.nextRequest().requestLine());
        }
    }

    /** An encoded '%' in the query stays encoded: "%2541" is the text "%41", not "A". */
    @Test
    void encodedPercentInQueryStaysEncoded() throws Exception {
        assertEquals("q=a%26admin%3D1&pct=%2541", backendSees("/chat", "/echo", "/chat?q=a%26admin%3D1&pct=%2541").query(),
                "decoded once too often, the backend would read the parameters q=a, admin=1, pct=A");
    }

    /**
     * The handshake the backend records when a client connects to {@code clientPath} through a route
     * from {@code routePattern} to the test backend's {@code backendPath} (with route options).
     */
    private static TestBackend.Handshake backendSees(String routePattern, String backendPath, String clientPath,
                                                     String... options) throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route(routePattern, backend.uri(backendPath), options);
             WsClient client = WsClient.connect(proxy.ws(clientPath))) {
            return backend.nextHandshake();
        }
    }
}
