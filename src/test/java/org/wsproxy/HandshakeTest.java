package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;

import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.container.grizzly.client.GrizzlyClientContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.RawHandshake;
import org.wsproxy.support.ScriptedBackend;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/**
 * The client's handshake: what is refused before any backend is contacted, what the backend's
 * verdict becomes for the client, and what the client gets in its 101 (subprotocol, the backend's
 * cookies, its own accept key).
 */
@SuppressWarnings("try") // a client is often opened only for the handshake the backend records
class HandshakeTest {

    private static final String V1 = "v1.wsproxy.test";
    private static final String V2 = "v2.wsproxy.test";

    /** HTTP/1.1 only: the default HTTP/2 client would add its own Upgrade: h2c to every request. */
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private static HttpResponse<String> http(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    // --- Requests that are not WebSocket handshakes -------------------------------------------

    @Test
    void plainGetIsAnswered426WithUpgradeWebsocket() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            HttpResponse<String> response = http(HttpRequest.newBuilder(proxy.http("/chat")).GET());
            assertEquals(426, response.statusCode());
            assertEquals("websocket", response.headers().firstValue("Upgrade").orElse(null));
            assertEquals("13", response.headers().firstValue("Sec-WebSocket-Version").orElse(null));
            assertTrue(backend.noHandshake(), "no backend connection for a request that is not a handshake");
        }
    }

    @Test
    void postIsAnswered405AllowGet() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            HttpResponse<String> response = http(HttpRequest.newBuilder(proxy.http("/chat"))
                    .POST(HttpRequest.BodyPublishers.ofString("hello")));
            assertEquals(405, response.statusCode());
            assertEquals("GET", response.headers().firstValue("Allow").orElse(null));
            assertTrue(backend.noHandshake(), "no backend connection for a POST");
        }
    }

    /** A POST carrying every WebSocket header is still not a handshake. */
    @Test
    void postWithUpgradeHeadersIsAnswered405() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat").method("POST")
                    .add("Content-Length", "0").send(proxy.port());
            assertEquals(405, response.status());
            assertEquals("GET", response.header("Allow"));
            assertTrue(backend.noHandshake());
        }
    }

    /**
     * An RFC 8441 handshake (HTTP/2's extended CONNECT with :protocol websocket) is a CONNECT
     * request, which the servlet API cannot upgrade. Tomcat has no RFC 8441, and answers a CONNECT
     * itself, before any servlet, with 501: what a client sees there, with nothing sent to the
     * backend. A container that passes CONNECT on gets wsproxy's 405 with Allow: GET, as any
     * method but GET does (postIsAnswered405AllowGet).
     */
    @Test
    void connectIsRefusedAndNothingReachesTheBackend() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat").method("CONNECT")
                    .add("Content-Length", "0").send(proxy.port());
            assertEquals(501, response.status(), "Tomcat's own answer to CONNECT");
            assertTrue(backend.noHandshake());
        }
    }

    // --- Malformed handshakes -----------------------------------------------------------------

    /** Other versions, and a list naming 13 among others: RFC 6455 wants exactly 13. */
    @ParameterizedTest
    @ValueSource(strings = {"8", "12", "14", "13, 8", "8, 13", "", "13.0", "013"})
    void versionOtherThan13IsAnswered426WithVersion13(String version) throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat")
                    .set("Sec-WebSocket-Version", version).send(proxy.port());
            assertEquals(426, response.status(), response.statusLine());
            assertEquals("13", response.header("Sec-WebSocket-Version"));
            assertTrue(backend.noHandshake());
        }
    }

    @Test
    void missingVersionIsAnswered426WithVersion13() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat")
                    .remove("Sec-WebSocket-Version").send(proxy.port());
            assertEquals(426, response.status(), response.statusLine());
            assertEquals("13", response.header("Sec-WebSocket-Version"));
            assertTrue(backend.noHandshake());
        }
    }

    /**
     * "13" and "8" on two lines is the list "13, 8" (RFC 9110 section 5.3), not 13. Answered by
     * the first line alone, the handshake was accepted.
     */
    @Test
    void versionOnTwoLinesIsAnswered426WithVersion13() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat")
                    .add("Sec-WebSocket-Version", "8").send(proxy.port());
            assertEquals(426, response.status(), response.statusLine());
            assertEquals("13", response.header("Sec-WebSocket-Version"));
            assertTrue(backend.noHandshake());
        }
    }

    /**
     * RFC 6455 section 11.3.1: the key must not appear more than once. Two valid keys leave it
     * open which one the answer proves; answered by the first alone, the handshake was accepted.
     */
    @Test
    void twoKeysAreAnswered400() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat")
                    .add("Sec-WebSocket-Key", RawHandshake.newKey()).send(proxy.port());
            assertEquals(400, response.status(), response.statusLine());
            assertTrue(backend.noHandshake());
        }
    }

    @Test
    void missingKeyIsAnswered400() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat")
                    .remove("Sec-WebSocket-Key").send(proxy.port());
            assertEquals(400, response.status(), response.statusLine());
            assertTrue(backend.noHandshake());
        }
    }

    /** Not base64; base64 of 15 and of 17 bytes; empty. RFC 6455 wants exactly 16 bytes. */
    @ParameterizedTest
    @ValueSource(strings = {"not*base64*at*all!", "AAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAA=", "",
        "AAAAAAAAAAAAAAAAAAAAAA==, AAAAAAAAAAAAAAAAAAAAAA=="})
    void malformedKeyIsAnswered400(String key) throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat")
                    .set("Sec-WebSocket-Key", key).send(proxy.port());
            assertEquals(400, response.status(), response.statusLine());
            assertTrue(backend.noHandshake());
        }
    }

    /** What browsers send: Firefox's "Connection: keep-alive, Upgrade", any case of "websocket". */
    @Test
    void browserStyleHandshakeIsAccepted() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat")
                    .set("Connection", "keep-alive, Upgrade").set("Upgrade", "WebSocket").send(proxy.port());
            assertEquals(101, response.status(), response.statusLine());
            assertNotNull(backend.nextHandshake());
        }
    }

    // --- allowedOrigins -----------------------------------------------------------------------

    /** Another host, a suffix trick, another scheme, another port, and the "null" of sandboxed pages. */
    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example", "https://good.example.evil.example", "http://good.example",
            "https://good.example:8443", "null"})
    void foreignOriginIsAnswered403AndBackendNotContacted(String origin) throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"), "allowedOrigins", "https://good.example")) {
            assertEquals(403, WsClient.refusedStatus(proxy.ws("/chat"), Map.of("Origin", origin)));
            assertTrue(backend.noHandshake(), "a refused origin must not open a backend connection");
        }
    }

    /**
     * A browser sends one Origin (RFC 6454 section 7.3). A second line naming another origin is
     * not that browser's; checked by its first line alone, the foreign origin reached the backend.
     */
    @Test
    void secondOriginLineIsCheckedToo() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"), "allowedOrigins", "https://good.example")) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat")
                    .add("Origin", "https://good.example").add("Origin", "https://evil.example").send(proxy.port());
            assertEquals(403, response.status(), response.statusLine());
            assertTrue(backend.noHandshake(), "a refused origin must not open a backend connection");
        }
    }

    @Test
    void listedOriginConnects() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"), "allowedOrigins", "https://good.example");
             WsClient client = WsClient.connect(proxy.ws("/chat"), List.of(), Map.of("Origin", "https://good.example"))) {
            assertEquals("https://good.example", backend.nextHandshake().header("Origin"));
            client.sendText("hello");
            assertEquals("hello", client.nextText());
        }
    }

    @Test
    void anyOriginConnectsByDefault() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"));
             WsClient client = WsClient.connect(proxy.ws("/chat"), List.of(), Map.of("Origin", "https://evil.example"))) {
            assertEquals("https://evil.example", backend.nextHandshake().header("Origin"));
            client.sendText("hello");
            assertEquals("hello", client.nextText());
        }
    }

    /** Non-browser clients send no Origin; allowedOrigins restricts browsers, not them. */
    @Test
    void noOriginConnectsEvenWithAllowedOriginsList() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"), "allowedOrigins", "https://good.example");
             WsClient client = WsClient.connect(proxy.ws("/chat"))) {
            assertNull(backend.nextHandshake().header("Origin"));
            client.sendText("hello");
            assertEquals("hello", client.nextText());
        }
    }

    // --- The backend's verdict ----------------------------------------------------------------

    @Test
    void refusedBackendIsAnswered502() throws Exception {
        int nobody = ScriptedBackend.unusedPort();
        try (ProxyServer proxy = ProxyServer.route("/chat", URI.create("ws://127.0.0.1:" + nobody + "/echo"))) {
            assertEquals(502, WsClient.refusedStatus(proxy.ws("/chat"), Map.of()));
        }
    }

    @Test
    void silentBackendIsAnswered504AfterConnectTimeout() throws Exception {
        try (ScriptedBackend silent = ScriptedBackend.silent();
             ProxyServer proxy = ProxyServer.route("/chat", silent.uri("/echo"), "connectTimeout", "500ms")) {
            long start = System.nanoTime();
            int status = WsClient.refusedStatus(proxy.ws("/chat"), Map.of());
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertEquals(504, status);
            assertNotNull(silent.nextRequest(), "the backend got the handshake and did not answer it");
            assertTrue(millis >= 400, "answered after " + millis + " ms, before connectTimeout (500 ms) ran out");
            assertTrue(millis < 5000, "answered after " + millis + " ms; connectTimeout is 500 ms");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {403, 404, 503})
    void backendRefusalStatusReachesClient(int status) throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/status/" + status))) {
            assertEquals(status, WsClient.refusedStatus(proxy.ws("/chat"), Map.of()));
        }
    }

    /** A 200 is no answer to a handshake: the gateway got no valid answer, and must not pass on a success. */
    @Test
    void backendAnswering200IsAnswered502() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/status/200"))) {
            assertEquals(502, WsClient.refusedStatus(proxy.ws("/chat"), Map.of()));
        }
    }

    // --- Subprotocols -------------------------------------------------------------------------

    /**
     * The backend (Tomcat's default negotiation) takes the first of the client's offers that it
     * supports, in the client's order: offered v1, v2 it picks v1, although it lists v2 first.
     */
    @Test
    void clientGetsTheSubprotocolTheBackendPicked() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"));
             WsClient client = WsClient.connect(proxy.ws("/chat"), List.of(V1, V2), Map.of())) {
            assertEquals(List.of(V1, V2), offered(backend.nextHandshake().header("Sec-WebSocket-Protocol")),
                    "the backend is offered the client's subprotocols in the client's order");
            assertEquals(V1, client.subprotocol());
            client.sendText("hello");
            assertEquals("hello", client.nextText());
        }
    }

    /** A backend that prefers its own order: the client gets what it chose, not the client's first. */
    @Test
    void clientGetsTheBackendsChoiceWhenItIsNotTheClientsFirst() throws Exception {
        try (ScriptedBackend scripted = ScriptedBackend.choosing(V2);
             ProxyServer proxy = ProxyServer.route("/chat", scripted.uri("/echo"));
             WsClient client = WsClient.connect(proxy.ws("/chat"), List.of(V1, V2), Map.of())) {
            assertEquals(List.of(V1, V2), offered(scripted.nextRequest().header("Sec-WebSocket-Protocol")));
            assertEquals(V2, client.subprotocol());
            client.sendText("hello");
            assertEquals("hello", client.nextText());
        }
    }

    @Test
    void unknownSubprotocolConnectsWithNone() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"));
             WsClient client = WsClient.connect(proxy.ws("/chat"), List.of("x.unknown.test"), Map.of())) {
            assertEquals(List.of("x.unknown.test"), offered(backend.nextHandshake().header("Sec-WebSocket-Protocol")));
            assertEquals("", client.subprotocol());
            client.sendText("hello");
            assertEquals("hello", client.nextText());
        }
    }

    @Test
    void noSubprotocolOfferedConnectsWithNone() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"));
             WsClient client = WsClient.connect(proxy.ws("/chat"))) {
            assertNull(backend.nextHandshake().header("Sec-WebSocket-Protocol"));
            assertEquals("", client.subprotocol());
        }
    }

    /** Offers on two header lines are one list, in order. */
    @Test
    void subprotocolsOfferedOnTwoLinesAreOneOffer() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat")
                    .add("Sec-WebSocket-Protocol", "x.unknown.test").add("Sec-WebSocket-Protocol", V2 + ", " + V1)
                    .send(proxy.port());
            assertEquals(101, response.status(), response.statusLine());
            assertEquals(List.of("x.unknown.test", V2, V1), offered(backend.nextHandshake().header("Sec-WebSocket-Protocol")));
            assertEquals(List.of(V2), response.values("Sec-WebSocket-Protocol"));
        }
    }

    /**
     * A backend that answers with a subprotocol the client never offered has broken RFC 6455
     * (section 4.1: the client must then fail the connection). The client cannot be given that
     * subprotocol, and connecting it with none while the backend speaks one would leave the two
     * legs speaking different protocols: the gateway got no valid answer, 502.
     */
    @Test
    void backendChoosingAnUnofferedSubprotocolIsAnswered502() throws Exception {
        try (ScriptedBackend scripted = ScriptedBackend.choosing("v3.wsproxy.test");
             ProxyServer proxy = ProxyServer.route("/chat", scripted.uri("/echo"))) {
            RawHandshake.Response offered = RawHandshake.to(proxy.port(), "/chat")
                    .add("Sec-WebSocket-Protocol", V1 + ", " + V2).send(proxy.port());
            assertEquals(502, offered.status(), "client offered v1, v2; backend chose v3; client got " + offered.statusLine()
                    + " with Sec-WebSocket-Protocol " + offered.values("Sec-WebSocket-Protocol"));
            RawHandshake.Response none = RawHandshake.to(proxy.port(), "/chat").send(proxy.port());
            assertEquals(502, none.status(), "client offered none; backend chose v3; client got " + none.statusLine());
        }
    }

    /** The 101 names the subprotocol once, as the backend chose it. */
    @Test
    void rawClientSeesOneSubprotocolHeader() throws Exception {
        try (ScriptedBackend scripted = ScriptedBackend.choosing(V2);
             ProxyServer proxy = ProxyServer.route("/chat", scripted.uri("/echo"))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat")
                    .add("Sec-WebSocket-Protocol", V1 + ", " + V2).send(proxy.port());
            assertEquals(101, response.status(), response.statusLine());
            assertEquals(List.of(V2), response.values("Sec-WebSocket-Protocol"));
        }
    }

    /** A second, independent client implementation. */
    @Test
    void tyrusClientGetsTheBackendsSubprotocol() throws Exception {
        ClientManager tyrus = ClientManager.createClient(GrizzlyClientContainer.class.getName());
        try (ScriptedBackend scripted = ScriptedBackend.choosing(V2);
             ProxyServer proxy = ProxyServer.route("/chat", scripted.uri("/echo"));
             Session session = handshakeOnly(tyrus, proxy.ws("/chat"), List.of(V1, V2))) {
            assertEquals(List.of(V1, V2), offered(scripted.nextRequest().header("Sec-WebSocket-Protocol")));
            assertEquals(V2, session.getNegotiatedSubprotocol());
        } finally {
            tyrus.shutdown();
        }
    }

    @Test
    void tyrusClientGetsTheSubprotocolOfATomcatBackend() throws Exception {
        ClientManager tyrus = ClientManager.createClient(GrizzlyClientContainer.class.getName());
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"));
             Session session = handshakeOnly(tyrus, proxy.ws("/chat"), List.of(V2, V1))) {
            assertEquals(List.of(V2, V1), offered(backend.nextHandshake().header("Sec-WebSocket-Protocol")));
            assertEquals(V2, session.getNegotiatedSubprotocol());
        } finally {
            tyrus.shutdown();
        }
    }

    /** A Tyrus client session that offers these subprotocols and does nothing once open. */
    private static Session handshakeOnly(ClientManager tyrus, URI uri, List<String> subprotocols) throws Exception {
        return tyrus.connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session session, EndpointConfig config) {
                // The test only looks at the handshake.
            }
        }, ClientEndpointConfig.Builder.create().preferredSubprotocols(subprotocols).build(), uri);
    }

    // --- The client's 101 ---------------------------------------------------------------------

    @Test
    void backendSetCookieReachesClientAndAcceptIsForTheClientsKey() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake request = RawHandshake.to(proxy.port(), "/chat");
            RawHandshake.Response response = request.send(proxy.port());
            assertEquals(101, response.status(), response.statusLine());
            assertEquals(List.of("backend=1; Path=/"), response.values("Set-Cookie"));
            assertEquals(List.of(RawHandshake.acceptFor(request.key())), response.values("Sec-WebSocket-Accept"),
                    "one Sec-WebSocket-Accept, computed from the client's key (not the backend leg's)");
            assertNotNull(backend.nextHandshake());
        }
    }

    // --- The internal endpoint ----------------------------------------------------------------

    @Test
    void internalEndpointPathIsRefused403() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            assertEquals(403, WsClient.refusedStatus(proxy.ws("/wsproxy-internal/route-0"), Map.of()));
            RawHandshake.Response withOrigin = RawHandshake.to(proxy.port(), "/wsproxy-internal/route-0")
                    .add("Origin", "http://127.0.0.1:" + proxy.port()).send(proxy.port());
            assertEquals(403, withOrigin.status(), withOrigin.statusLine());
            assertTrue(backend.noHandshake(), "the internal path opens no backend connection");
        }
    }

    /** The offered subprotocols as a list, from one header value or several joined with commas. */
    private static List<String> offered(String header) {
        assertNotNull(header, "no Sec-WebSocket-Protocol header reached the backend");
        return List.of(header.split("\\s*,\\s*"));
    }
}
