package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsproxy.support.HttpBackend;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.RawClient;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.TestCertificates;
import org.wsproxy.support.WsClient;

/**
 * The route options a proxied HTTP request (http=proxy) shares with handshakes, and those it does
 * not: preserveHost, trustedProxies and forwardUser shape the request the backend receives as they
 * shape a handshake; the sticky cookie works with every balance and is Secure behind TLS;
 * allowedOrigins and maxConnections stay about WebSockets; Content-Encoding passes as it is.
 */
class HttpProxyOptionsTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path keys;

    /** Sends {@code request} (a whole HTTP/1.1 request with Connection: close) on a socket; returns what came back. */
    private static String raw(ProxyServer proxy, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", proxy.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            in.transferTo(got);
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static ProxyServer route(HttpBackend backend, String... options) {
        String[] all = new String[options.length + 2];
        all[0] = "http";
        all[1] = "proxy";
        System.arraycopy(options, 0, all, 2, options.length);
        return ProxyServer.route("/app/*", backend.uri("/"), all);
    }

    @Test
    void preserveHostSendsTheClientsHostAndOtherwiseTheBackendsOwn() throws Exception {
        try (HttpBackend backend = HttpBackend.start(HttpBackend.text("ok"));
             ProxyServer preserving = route(backend, "preserveHost", "true");
             ProxyServer plain = route(backend)) {
            String request = "GET /app/x HTTP/1.1\r\nHost: chat.example:8443\r\nConnection: close\r\n\r\n";
            assertTrue(raw(preserving, request).startsWith("HTTP/1.1 200"));
            HttpBackend.Request seen = backend.next();
            assertEquals("chat.example:8443", seen.header("Host"));
            assertEquals("chat.example:8443", seen.header("X-Forwarded-Host"));
            assertTrue(raw(plain, request).startsWith("HTTP/1.1 200"));
            assertEquals(backend.uri("/").getRawAuthority(), backend.next().header("Host"));
        }
    }

    /**
     * From a trusted peer, its X-Forwarded-Proto stands and its chain is extended; from any other
     * peer the chain is extended too but the proto is wsproxy's own (http here).
     */
    @Test
    void trustedProxiesDecideWhoseForwardedHeadersStand() throws Exception {
        try (HttpBackend backend = HttpBackend.start(HttpBackend.text("ok"));
             ProxyServer trusting = route(backend, "trustedProxies", "127.0.0.1");
             ProxyServer untrusting = route(backend, "trustedProxies", "10.0.0.0/8")) {
            String request = "GET /app/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: 203.0.113.9\r\n"
                    + "X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n";
            assertTrue(raw(trusting, request).startsWith("HTTP/1.1 200"));
            HttpBackend.Request trusted = backend.next();
            assertEquals("203.0.113.9, 127.0.0.1", trusted.header("X-Forwarded-For"));
            assertEquals("https", trusted.header("X-Forwarded-Proto"));
            assertTrue(raw(untrusting, request).startsWith("HTTP/1.1 200"));
            HttpBackend.Request untrusted = backend.next();
            assertEquals("203.0.113.9, 127.0.0.1", untrusted.header("X-Forwarded-For"));
            assertEquals("http", untrusted.header("X-Forwarded-Proto"));
        }
    }

    /** Behind the container's BASIC authentication: the user reaches the backend only with forwardUser, a forged one never. */
    @Test
    void forwardUserNamesTheAuthenticatedUserAndNoOneElse() throws Exception {
        String alice = "Basic " + Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
        try (HttpBackend backend = HttpBackend.start(HttpBackend.text("ok"))) {
            for (boolean forward : new boolean[] {true, false}) {
                try (ProxyServer proxy = ProxyServer.builder().basicAuth("/app/*", "alice", "secret")
                        .param("wsproxy.route.r.path", "/app/*").param("wsproxy.route.r.backend", backend.uri("/").toString())
                        .param("wsproxy.route.r.http", "proxy").param("wsproxy.route.r.forwardUser", Boolean.toString(forward))
                        .start()) {
                    HttpRequest.Builder get = HttpRequest.newBuilder(proxy.http("/app/x")).timeout(Duration.ofSeconds(10))
                            .header("X-Forwarded-User", "mallory");
                    assertEquals(401, CLIENT.send(get.build(), HttpResponse.BodyHandlers.discarding()).statusCode());
                    assertEquals(200, CLIENT.send(get.header("Authorization", alice).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode());
                    assertEquals(forward ? "alice" : null, backend.next().header("X-Forwarded-User"), "forwardUser=" + forward);
                }
            }
            assertEquals(2, backend.connections(), "the unauthenticated requests never reached the backend");
        }
    }

    /** A compressed body is the backend's business: wsproxy neither decodes it nor encodes one itself. */
    @Test
    void contentEncodingPassesAsItIsBothWays() throws Exception {
        byte[] gzipped = gzip("x".repeat(10_000));
        try (HttpBackend backend = HttpBackend.start((request, out, socket) -> HttpBackend.respond(out, 200,
                Map.of("Content-Type", "text/plain", "Content-Encoding", "gzip", "Vary", "Accept-Encoding"), gzipped));
             ProxyServer proxy = route(backend)) {
            HttpResponse<byte[]> response = CLIENT.send(HttpRequest.newBuilder(proxy.http("/app/x")).timeout(Duration.ofSeconds(10))
                    .header("Accept-Encoding", "gzip").header("Content-Encoding", "gzip")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(gzipped)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            assertEquals("gzip", response.headers().firstValue("Content-Encoding").orElse(null));
            assertArrayEquals(gzipped, response.body(), "the client got the backend's compressed bytes");
            HttpBackend.Request seen = backend.next();
            assertEquals("gzip", seen.header("Accept-Encoding"));
            assertEquals("gzip", seen.header("Content-Encoding"));
            assertArrayEquals(gzipped, seen.body(), "the backend got the client's compressed bytes");
        }
    }

    /**
     * allowedOrigins and maxConnections are about WebSocket handshakes and connections: with the one
     * connection the route allows open, and from an origin it does not allow, a handshake is refused
     * but a plain request still reaches the backend (its 418, which only the backend answers).
     */
    @Test
    void allowedOriginsAndMaxConnectionsLeavePlainRequestsAlone() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/app/*", backend.uri("/"), "http", "proxy",
                     "allowedOrigins", "https://good.example", "maxConnections", "1")) {
            HttpRequest fromElsewhere = HttpRequest.newBuilder(proxy.http("/app/status/418")).timeout(Duration.ofSeconds(10))
                    .header("Origin", "https://evil.example").build();
            assertEquals(418, CLIENT.send(fromElsewhere, HttpResponse.BodyHandlers.discarding()).statusCode());
            WsClient.Refused foreign = refused(proxy, Map.of("Origin", "https://evil.example"));
            assertEquals(403, foreign.status);
            try (WsClient open = WsClient.connect(proxy.ws("/app/echo"), List.of(), Map.of("Origin", "https://good.example"))) {
                open.sendText("hi");
                assertEquals("hi", open.nextText());
                WsClient.Refused full = refused(proxy, Map.of("Origin", "https://good.example"));
                assertEquals(503, full.status, "the route's one connection is taken");
                assertEquals(418, CLIENT.send(fromElsewhere, HttpResponse.BodyHandlers.discarding()).statusCode());
            }
        }
    }

    private static WsClient.Refused refused(ProxyServer proxy, Map<String, String> headers) {
        try (WsClient client = WsClient.connect(proxy.ws("/app/echo"), List.of(), headers)) {
            throw new AssertionError("the handshake was accepted");
        } catch (WsClient.Refused refused) {
            return refused;
        }
    }

    /**
     * Sticky cookies with each balance: the cookie a client got names its backend on any instance
     * with the same routes, whatever the balance; a client with the cookie of each of three backends
     * goes to that backend every time; one whose backend is down goes where the balance says, with a
     * new cookie naming it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"round-robin", "least-connections", "ip-hash"})
    void theStickyCookieHoldsWithEveryBalance(String balance) throws Exception {
        try (HttpBackend one = HttpBackend.start(HttpBackend.text("one"));
             HttpBackend two = HttpBackend.start(HttpBackend.text("two"));
             HttpBackend three = HttpBackend.start(HttpBackend.text("three"))) {
            String backends = one.uri("/") + "," + two.uri("/") + "," + three.uri("/");
            // Round-robin hands out a cookie for each backend in three requests.
            Map<String, String> cookies = new HashMap<>();
            try (ProxyServer roundRobin = ProxyServer.route("/app/*", null, "backend", backends, "http", "proxy", "sticky", "cookie")) {
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> first = CLIENT.send(HttpRequest.newBuilder(roundRobin.http("/app/x")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    String setCookie = first.headers().firstValue("Set-Cookie").orElseThrow();
                    assertFalse(setCookie.contains("Secure"), "plain HTTP: " + setCookie);
                    cookies.put(first.body(), setCookie.substring(0, setCookie.indexOf(';')));
                }
            }
            assertEquals(3, cookies.size(), "one cookie per backend: " + cookies);
            try (ProxyServer proxy = ProxyServer.route("/app/*", null, "backend", backends, "http", "proxy", "sticky", "cookie",
                    "balance", balance)) {
                HttpResponse<String> fresh = CLIENT.send(HttpRequest.newBuilder(proxy.http("/app/x")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(cookies.get(fresh.body()) + ";", fresh.headers().firstValue("Set-Cookie").orElseThrow()
                        .substring(0, cookies.get(fresh.body()).length() + 1), "the balance's choice, and the cookie naming it");
                for (Map.Entry<String, String> pinned : cookies.entrySet()) {
                    for (int i = 0; i < 4; i++) {
                        HttpResponse<String> again = CLIENT.send(HttpRequest.newBuilder(proxy.http("/app/x"))
                                .header("Cookie", pinned.getValue()).build(), HttpResponse.BodyHandlers.ofString());
                        assertEquals(pinned.getKey(), again.body(), balance + ", cookie " + pinned.getValue());
                        assertTrue(again.headers().firstValue("Set-Cookie").isEmpty());
                    }
                }
                two.close();
                HttpResponse<String> moved = CLIENT.send(HttpRequest.newBuilder(proxy.http("/app/x"))
                        .header("Cookie", cookies.get("two")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, moved.statusCode());
                assertNotEquals("two", moved.body());
                String renewed = moved.headers().firstValue("Set-Cookie").orElseThrow();
                assertTrue(renewed.startsWith(cookies.get(moved.body()) + ";"), "a new cookie naming " + moved.body() + ": " + renewed);
            }
        }
    }

    @Test
    void theStickyCookieIsSecureWhenTheClientCameOverTls() throws Exception {
        TestCertificates.ServerCertificate localhost = TestCertificates.selfSigned(keys, "localhost", "localhost",
                "dns:localhost,ip:127.0.0.1");
        try (HttpBackend backend = HttpBackend.start(HttpBackend.text("ok"));
             ProxyServer proxy = ProxyServer.builder().tls(localhost)
                     .param("wsproxy.route.r.path", "/app/*").param("wsproxy.route.r.backend", backend.uri("/").toString())
                     .param("wsproxy.route.r.http", "proxy").param("wsproxy.route.r.sticky", "cookie").start()) {
            HttpClient tls = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(localhost.clientContext())
                    .connectTimeout(Duration.ofSeconds(5)).build();
            java.net.URI url = java.net.URI.create("https://127.0.0.1:" + proxy.port() + proxy.http("/app/x").getRawPath());
            HttpResponse<String> response = tls.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("ok", response.body());
            String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(List.of(setCookie.split(";\\s*")).contains("Secure"), setCookie);
            assertNull(backend.next().header("Cookie"));
        }
    }

    /**
     * A wss:// backend is reached over https with the route's trust store, and its name is checked:
     * a certificate the trust store holds but made for another host gets 502, and that backend
     * never sees the request.
     */
    @Test
    void aWssBackendIsReachedOverHttpsWithItsTrustStoreAndItsNameChecked() throws Exception {
        TestCertificates.ServerCertificate localhost = TestCertificates.selfSigned(keys, "backend", "localhost",
                "dns:localhost,ip:127.0.0.1");
        TestCertificates.ServerCertificate other = TestCertificates.selfSigned(keys, "other", "other.example", "dns:other.example");
        try (HttpBackend good = HttpBackend.startTls(localhost, HttpBackend.text("secure"));
             HttpBackend misnamed = HttpBackend.startTls(other, HttpBackend.text("never"));
             ProxyServer proxy = ProxyServer.builder()
                     .param("wsproxy.route.good.path", "/good/*").param("wsproxy.route.good.backend", good.uri("/").toString())
                     .param("wsproxy.route.good.http", "proxy")
                     .param("wsproxy.route.good.trustStore", localhost.trustStore().toString())
                     .param("wsproxy.route.good.trustStorePassword", TestCertificates.PASSWORD)
                     .param("wsproxy.route.good.trustStoreType", TestCertificates.TYPE)
                     .param("wsproxy.route.misnamed.path", "/misnamed/*")
                     .param("wsproxy.route.misnamed.backend", misnamed.uri("/").toString())
                     .param("wsproxy.route.misnamed.http", "proxy")
                     .param("wsproxy.route.misnamed.trustStore", other.trustStore().toString())
                     .param("wsproxy.route.misnamed.trustStorePassword", TestCertificates.PASSWORD)
                     .param("wsproxy.route.misnamed.trustStoreType", TestCertificates.TYPE).start()) {
            assertTrue(good.uri("/").toString().startsWith("wss://"));
            HttpResponse<String> secure = CLIENT.send(HttpRequest.newBuilder(proxy.http("/good/x")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, secure.statusCode());
            assertEquals("secure", secure.body());
            assertEquals("/x", good.next().target());
            HttpResponse<String> refused = CLIENT.send(HttpRequest.newBuilder(proxy.http("/misnamed/x")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(502, refused.statusCode());
            assertTrue(misnamed.noRequest(), "the backend with another host's certificate got the request");
        }
    }

    /** connectTimeout covers the TLS handshake too: a backend that takes the connection and never speaks TLS gets 504 in time. */
    @Test
    void connectTimeoutCoversTheTlsHandshake() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress());
             ProxyServer proxy = ProxyServer.route("/app/*", java.net.URI.create("wss://127.0.0.1:" + silent.getLocalPort() + "/"),
                     "http", "proxy", "connectTimeout", "500ms")) {
            long start = System.nanoTime();
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(proxy.http("/app/x")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(504, response.statusCode(), response.body());
            assertTrue(millis >= 450 && millis < 5000, "answered after " + millis + " ms");
        }
    }

    /**
     * Requests the backend holds (long polls) hold no container thread: with four request threads,
     * twenty held requests all reach the backend, and another request is answered meanwhile.
     */
    @Test
    void heldRequestsHoldNoContainerThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (HttpBackend backend = HttpBackend.start((request, out, socket) -> {
            if (request.target().endsWith("/held") && !release.await(20, TimeUnit.SECONDS)) {
                throw new IOException("not released");
            }
            HttpBackend.respond(out, 200, Map.of("Content-Type", "text/plain"), request.target().getBytes(StandardCharsets.US_ASCII));
        });
             ProxyServer proxy = ProxyServer.builder().connector("maxThreads", "4")
                     .param("wsproxy.route.r.path", "/app/*").param("wsproxy.route.r.backend", backend.uri("/").toString())
                     .param("wsproxy.route.r.http", "proxy").start()) {
            List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    held.add(CLIENT.sendAsync(HttpRequest.newBuilder(proxy.http("/app/held")).timeout(Duration.ofSeconds(30)).build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                for (int i = 0; i < 20; i++) {
                    assertEquals("/held", backend.next().target(), "held request " + i + " reached the backend");
                }
                HttpResponse<String> other = CLIENT.send(HttpRequest.newBuilder(proxy.http("/app/other")).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals("/other", other.body());
                assertTrue(held.stream().noneMatch(CompletableFuture::isDone), "the held requests are still held");
            } finally {
                release.countDown();
            }
            for (CompletableFuture<HttpResponse<String>> response : held) {
                assertEquals("/held", response.get(20, TimeUnit.SECONDS).body());
            }
        }
    }

    /**
     * The sticky cookie on WebSocket handshakes: a 101 to a client without it sets it, and handshakes
     * with it all reach that backend, without the cookie.
     */
    @Test
    void theStickyCookieIsSetOnA101AndPinsHandshakes() throws Exception {
        try (TestBackend one = TestBackend.start();
             TestBackend two = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/app/*", null, "backend", one.uri("/") + "," + two.uri("/"), "http", "proxy",
                     "sticky", "cookie")) {
            String path = proxy.ws("/app/echo").getRawPath();
            String cookie;
            try (RawClient first = RawClient.handshake(proxy.port(), path, "")) {
                assertEquals(101, first.status(), first.response);
                // The backend's own cookie (TestBackend sets backend=1) passes as well; wsproxy's is the one named for the route.
                String line = first.response.lines().filter(l -> l.regionMatches(true, 0, "Set-Cookie: wsproxy-r=", 0, 22)).findFirst()
                        .orElseThrow(() -> new AssertionError("no Set-Cookie on the 101: " + first.response));
                cookie = line.substring(11, line.indexOf(';')).trim();
                assertTrue(cookie.startsWith("wsproxy-r="), line);
            }
            TestBackend pinned = one.noHandshake() ? two : one;
            TestBackend otherOne = pinned == one ? two : one;
            pinned.nextHandshake();
            for (int i = 0; i < 4; i++) {
                try (RawClient again = RawClient.handshake(proxy.port(), path, "Cookie: a=1; " + cookie + "\r\n")) {
                    assertEquals(101, again.status(), again.response);
                    assertFalse(again.response.contains("wsproxy-r="), "a valid cookie is not set again: " + again.response);
                    assertEquals("a=1", pinned.nextHandshake().header("Cookie"), "handshake " + i);
                }
            }
            assertTrue(otherOne.noHandshake(), "every handshake with the cookie reached its backend");
        }
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
