package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.HttpBackend;
import org.wsproxy.support.ProxyServer;

/**
 * HTTP proxying on a route (http=proxy): what the client and the backend each see, through a real
 * embedded Tomcat, real TCP on loopback, and a backend on plain sockets that controls every byte.
 */
class HttpProxyTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpRequest.Builder get(ProxyServer proxy, String path) {
        return HttpRequest.newBuilder(proxy.http(path)).timeout(Duration.ofSeconds(10));
    }

    @Test
    void aGetIsRelayedWithTheHandshakesHeaderRulesAndTheAnswerComesBack() throws Exception {
        try (HttpBackend backend = HttpBackend.start((request, out, socket) -> HttpBackend.respond(out, 201,
                Map.of("Content-Type", "text/plain", "X-Backend", "yes", "Connection", "X-Secret", "X-Secret", "hop",
                        "Keep-Alive", "timeout=5", "Upgrade", "h2c", "Trailer", "X-Checksum"),
                ("seen " + request.target()).getBytes(StandardCharsets.UTF_8)));
             ProxyServer proxy = ProxyServer.route("/app/*", backend.uri("/base"), "http", "proxy", "dropHeaders", "X-Drop")) {
            HttpResponse<byte[]> response = send(get(proxy, "/app/poll/1?t=2").header("X-Keep", "1").header("X-Drop", "x")
                    .header("Cookie", "a=1").build());
            assertEquals(201, response.statusCode());
            assertEquals("seen /base/poll/1?t=2", new String(response.body(), StandardCharsets.UTF_8));
            assertEquals("yes", response.headers().firstValue("X-Backend").orElse(null));
            assertTrue(response.headers().firstValue("X-Secret").isEmpty(), "a header the backend's Connection named is hop-by-hop");
            assertTrue(response.headers().firstValue("Keep-Alive").isEmpty());
            assertTrue(response.headers().firstValue("Upgrade").isEmpty(), "hop-by-hop: Upgrade");
            assertTrue(response.headers().firstValue("Trailer").isEmpty(), "hop-by-hop: Trailer");
            HttpBackend.Request seen = backend.next();
            assertEquals("GET", seen.method());
            assertEquals("1", seen.header("X-Keep"));
            assertNull(seen.header("X-Drop"));
            assertEquals("a=1", seen.header("Cookie"));
            assertEquals("127.0.0.1", seen.header("X-Forwarded-For"));
            assertEquals("http", seen.header("X-Forwarded-Proto"));
            assertTrue(seen.header("Host").startsWith("127.0.0.1:"), seen.header("Host"));
        }
    }

    @Test
    void withoutHttpProxyAPlainRequestStillGets426() throws Exception {
        try (HttpBackend backend = HttpBackend.start(HttpBackend.text("never"));
             ProxyServer proxy = ProxyServer.route("/app/*", backend.uri("/"))) {
            assertEquals(426, send(get(proxy, "/app/x").build()).statusCode());
            assertEquals(405, send(get(proxy, "/app/x").POST(HttpRequest.BodyPublishers.ofString("a")).build()).statusCode());
            assertEquals(0, backend.connections());
        }
    }

    @Test
    void largeBodiesStreamBothWaysIntact() throws Exception {
        byte[] upload = new byte[5 * 1024 * 1024 + 7];
        new Random(1).nextBytes(upload);
        try (HttpBackend backend = HttpBackend.start((request, out, socket) ->
                HttpBackend.respond(out, 200, Map.of("Content-Type", "application/octet-stream"), request.body()));
             ProxyServer proxy = ProxyServer.route("/app/*", backend.uri("/"), "http", "proxy")) {
            // A known length goes on with its Content-Length.
            HttpResponse<byte[]> sized = send(get(proxy, "/app/up").POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build());
            assertEquals(200, sized.statusCode());
            HttpBackend.Request seen = backend.next();
            assertArrayEquals(upload, seen.body(), "the backend received the upload intact");
            assertArrayEquals(upload, sized.body(), "the client received the download intact");
            assertEquals(String.valueOf(upload.length), seen.header("Content-Length"));
            assertFalse(seen.chunked());
            // An unknown length (the client sends chunked) goes on chunked.
            HttpResponse<byte[]> streamed = send(get(proxy, "/app/up").POST(HttpRequest.BodyPublishers.ofInputStream(
                    () -> new java.io.ByteArrayInputStream(upload))).build());
            HttpBackend.Request chunked = backend.next();
            assertTrue(chunked.chunked());
            assertArrayEquals(upload, chunked.body(), "the backend received the chunked upload intact");
            assertArrayEquals(upload, streamed.body(), "the client received the download intact");
        }
    }

    @Test
    void keepAliveConnectionsAreReused() throws Exception {
        try (HttpBackend backend = HttpBackend.start(HttpBackend.text("ok"));
             ProxyServer proxy = ProxyServer.route("/app/*", backend.uri("/"), "http", "proxy")) {
            for (int i = 0; i < 5; i++) {
                assertEquals("ok", new String(send(get(proxy, "/app/" + i).build()).body(), StandardCharsets.UTF_8));
            }
            assertEquals(1, backend.connections(), "five requests in a row on one kept-alive backend connection");
        }
    }

    /**
     * A request with both Content-Length and Transfer-Encoding (a request smuggling attempt): Tomcat
     * drops the Content-Length itself (RFC 9112 section 6.3) before wsproxy sees the request, so the
     * backend receives one framing, chosen by wsproxy: chunked, and only the body the chunks carry.
     */
    @Test
    void aRequestWithContentLengthAndTransferEncodingReachesTheBackendWithOneFraming() throws Exception {
        try (HttpBackend backend = HttpBackend.start(HttpBackend.text("ok"));
             ProxyServer proxy = ProxyServer.route("/app/*", backend.uri("/"), "http", "proxy");
             Socket socket = new Socket("127.0.0.1", proxy.port())) {
            socket.getOutputStream().write(("POST /app/x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 30\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                    + "GET /app/smuggled HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 200") || answer.startsWith("HTTP/1.1 400"), answer);
            if (answer.startsWith("HTTP/1.1 200")) {
                HttpBackend.Request seen = backend.next();
                assertTrue(seen.chunked());
                assertNull(seen.header("Content-Length"));
                assertEquals("abc", new String(seen.body(), StandardCharsets.ISO_8859_1));
            }
            assertTrue(backend.connections() <= 1, "the smuggled request never reached the backend");
            assertThrows(AssertionError.class, backend::next, "one request reached the backend, not two");
        }
    }

    @Test
    void aBodyOverMaxBodySizeGets413() throws Exception {
        try (HttpBackend backend = HttpBackend.start(HttpBackend.text("ok"));
             ProxyServer proxy = ProxyServer.route("/app/*", backend.uri("/"), "http", "proxy", "maxBodySize", "1KiB")) {
            assertEquals(413, send(get(proxy, "/app/x").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2048])).build())
                    .statusCode());
            // Of unknown length, it is counted as it streams.
            HttpResponse<byte[]> streamed = send(get(proxy, "/app/x").POST(HttpRequest.BodyPublishers.ofInputStream(
                    () -> new java.io.ByteArrayInputStream(new byte[4096]))).build());
            assertEquals(413, streamed.statusCode());
            assertEquals(200, send(get(proxy, "/app/x").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1024])).build())
                    .statusCode());
        }
    }

    @Test
    void aSilentBackendGets504WithinReadTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (HttpBackend backend = HttpBackend.start((request, out, socket) -> release.await(20, TimeUnit.SECONDS));
             ProxyServer proxy = ProxyServer.route("/app/*", backend.uri("/"), "http", "proxy", "readTimeout", "500ms")) {
            long start = System.nanoTime();
            HttpResponse<byte[]> response = send(get(proxy, "/app/x").build());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(504, response.statusCode());
            assertTrue(millis >= 450 && millis < 5000, "answered after " + millis + " ms");
        } finally {
            release.countDown();
        }
    }

    @Test
    void aResponseTheBackendBreaksOffEndsShortNeverAsASuccess() throws Exception {
        try (HttpBackend backend = HttpBackend.start((request, out, socket) -> {
                out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                Thread.sleep(300);
                socket.close();
            });
             ProxyServer proxy = ProxyServer.route("/app/*", backend.uri("/"), "http", "proxy");
             Socket socket = new Socket("127.0.0.1", proxy.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /app/x HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertTrue(answer.contains("hello"), answer);
            assertFalse(answer.endsWith("0\r\n\r\n"), "the client must not get a last chunk: " + answer);
        }
    }

    @Test
    void aLocationNamingTheBackendIsRewrittenToTheProxysUrl() throws Exception {
        try (HttpBackend backend = HttpBackend.start((request, out, socket) -> HttpBackend.respond(out, 302,
                Map.of("Location", request.target().endsWith("abs") ? "http://127.0.0.1:" + socket.getLocalPort() + "/base/next?x=1"
                        : request.target().endsWith("rel") ? "/base/other" : "https://elsewhere.example/base/x",
                        "Content-Location", "/base/content"), new byte[0]));
             ProxyServer proxy = ProxyServer.route("/app/*", backend.uri("/base"), "http", "proxy")) {
            URI origin = proxy.http("/app");
            String expected = origin.getScheme() + "://" + origin.getRawAuthority() + origin.getRawPath();
            assertEquals(expected + "/next?x=1", send(get(proxy, "/app/abs").build()).headers().firstValue("Location").orElseThrow());
            HttpResponse<byte[]> relative = send(get(proxy, "/app/rel").build());
            assertEquals(expected + "/other", relative.headers().firstValue("Location").orElseThrow());
            assertEquals(expected + "/content", relative.headers().firstValue("Content-Location").orElseThrow(),
                    "Content-Location names the backend too");
            assertEquals("https://elsewhere.example/base/x", send(get(proxy, "/app/x").build()).headers()
                    .firstValue("Location").orElseThrow());
        }
    }

    @Test
    void stickyCookiePinsAClientToItsBackendAndIsNotForwarded() throws Exception {
        try (HttpBackend one = HttpBackend.start(HttpBackend.text("one"));
             HttpBackend two = HttpBackend.start(HttpBackend.text("two"));
             ProxyServer proxy = ProxyServer.route("/app/*", null, "backend", one.uri("/") + "," + two.uri("/"), "http", "proxy",
                     "sticky", "cookie")) {
            HttpResponse<byte[]> first = send(get(proxy, "/app/x").build());
            String setCookie = first.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(setCookie.startsWith("wsproxy-r="), setCookie);
            assertTrue(setCookie.contains("Path=/app") && setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"), setCookie);
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            String served = new String(first.body(), StandardCharsets.UTF_8);
            for (int i = 0; i < 6; i++) {
                HttpResponse<byte[]> again = send(get(proxy, "/app/x").header("Cookie", "other=1; " + cookie).build());
                assertEquals(served, new String(again.body(), StandardCharsets.UTF_8), "request " + i);
                assertTrue(again.headers().firstValue("Set-Cookie").isEmpty(), "a valid cookie is not set again");
            }
            HttpBackend pinned = served.equals("one") ? one : two;
            pinned.next();
            for (int i = 0; i < 6; i++) {
                assertEquals("other=1", pinned.next().header("Cookie"), "the sticky cookie is wsproxy's, not the backend's");
            }
        }
    }

    @Test
    void aBackendThatIsDownGets502() throws Exception {
        try (ProxyServer proxy = ProxyServer.route("/app/*", URI.create("ws://127.0.0.1:1/"), "http", "proxy")) {
            assertEquals(502, send(get(proxy, "/app/x").build()).statusCode());
        }
    }

    /**
     * A backend that takes the connection and closes it without an answer: an idempotent request
     * with no body goes to the next backend; a POST is not sent twice, its client gets 502.
     */
    @Test
    void onlyAnIdempotentRequestIsTriedOnAnotherBackendAfterItWasSent() throws Exception {
        try (HttpBackend hangsUp = HttpBackend.start((request, out, socket) -> socket.close());
             HttpBackend answers = HttpBackend.start(HttpBackend.text("second"));
             ProxyServer proxy = ProxyServer.route("/app/*", null, "backend", hangsUp.uri("/") + "," + answers.uri("/"),
                     "http", "proxy", "maxFails", "100")) {
            // Round-robin alternates the first backend tried; whichever comes first, the GETs get "second".
            for (int i = 0; i < 4; i++) {
                HttpResponse<byte[]> response = send(get(proxy, "/app/x").build());
                assertEquals(200, response.statusCode(), "request " + i);
                assertEquals("second", new String(response.body(), StandardCharsets.UTF_8));
            }
            int posted = 0;
            int refused = 0;
            for (int i = 0; i < 4; i++) {
                HttpResponse<byte[]> response = send(get(proxy, "/app/x").POST(HttpRequest.BodyPublishers.ofString("once")).build());
                if (response.statusCode() == 502) {
                    refused++;
                } else {
                    assertEquals(200, response.statusCode());
                    posted++;
                }
            }
            assertEquals(2, refused, "a POST the first backend took is not sent to another one");
            assertEquals(2, posted);
        }
    }

    @Test
    void encodedPathTricksAreRefusedBeforeAnyBackend() throws Exception {
        try (HttpBackend backend = HttpBackend.start(HttpBackend.text("never"));
             ProxyServer proxy = ProxyServer.route("/app/*", backend.uri("/base"), "http", "proxy")) {
            // Refused by Tomcat (404 once normalized out of the route, 400 for an encoded slash or
            // backslash), as for handshakes (PathTricksTest) ...
            assertEquals(404, send(get(proxy, "/app/%2e%2e/admin").build()).statusCode());
            assertEquals(400, send(get(proxy, "/app/a%2F..%2Fsecret").build()).statusCode());
            assertEquals(400, send(get(proxy, "/app/..%5cx").build()).statusCode());
            // ... and by wsproxy: control characters and a CRLF that would forge a header line.
            assertEquals(400, send(get(proxy, "/app/a%01b").build()).statusCode());
            assertEquals(400, send(get(proxy, "/app/a%0d%0aX-Injected:%20yes").build()).statusCode());
            assertEquals(0, backend.connections());
        }
    }

    /** The client's Expect: 100-continue is answered by the container; the backend gets the body, not the expectation. */
    @Test
    void expectContinueIsAnsweredHereAndNotForwarded() throws Exception {
        try (HttpBackend backend = HttpBackend.start((request, out, socket) ->
                HttpBackend.respond(out, 200, Map.of(), request.body()));
             ProxyServer proxy = ProxyServer.route("/app/*", backend.uri("/"), "http", "proxy")) {
            HttpResponse<byte[]> response = send(get(proxy, "/app/x").expectContinue(true)
                    .POST(HttpRequest.BodyPublishers.ofString("after continue")).build());
            assertEquals("after continue", new String(response.body(), StandardCharsets.UTF_8));
            HttpBackend.Request seen = backend.next();
            assertNull(seen.header("Expect"));
            assertEquals("after continue", new String(seen.body(), StandardCharsets.UTF_8));
        }
    }

    /** A backend's refusal of a handshake that redirects to its own URL reaches the client with wsproxy's URL instead. */
    @Test
    void aRefusedHandshakesLocationIsRewrittenToo() throws Exception {
        try (HttpBackend backend = HttpBackend.start((request, out, socket) -> HttpBackend.respond(out, 302,
                Map.of("Location", "http://127.0.0.1:" + socket.getLocalPort() + "/base/login?next=chat"), new byte[0]));
             ProxyServer proxy = ProxyServer.route("/app/*", backend.uri("/base"))) {
            org.wsproxy.support.WsClient.Refused refused = assertThrows(org.wsproxy.support.WsClient.Refused.class,
                    () -> org.wsproxy.support.WsClient.connect(proxy.ws("/app/chat")).close());
            assertEquals(302, refused.status);
            URI base = proxy.http("/app");
            String expected = base.getScheme() + "://" + base.getRawAuthority() + base.getRawPath() + "/login?next=chat";
            if (org.wsproxy.support.TestEngine.frames()) {
                assertEquals(java.util.List.of(expected), refused.headers.get("location"), refused.headers::toString);
            } else {
                // jsr356: the Tyrus client does not expose a refusal's headers (README, known limitations).
                assertNull(refused.headers.get("location"), refused.headers::toString);
            }
        }
    }

    /** readTimeout also bounds the wait between two reads of a body: a backend that stops mid-body cuts the response short. */
    @Test
    void aBackendSilentMidBodyPastReadTimeoutCutsTheResponseShort() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (HttpBackend backend = HttpBackend.start((request, out, socket) -> {
                out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                release.await(20, TimeUnit.SECONDS);
            });
             ProxyServer proxy = ProxyServer.route("/app/*", backend.uri("/"), "http", "proxy", "readTimeout", "500ms");
             Socket socket = new Socket("127.0.0.1", proxy.port())) {
            socket.setSoTimeout(10_000);
            long start = System.nanoTime();
            socket.getOutputStream().write("GET /app/x HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(answer.startsWith("HTTP/1.1 200") && answer.contains("first"), answer);
            assertFalse(answer.endsWith("0\r\n\r\n"), "cut short, not completed: " + answer);
            assertTrue(millis >= 450 && millis < 5000, "ended after " + millis + " ms");
        } finally {
            release.countDown();
        }
    }

    /**
     * The sticky cookie's value depends on the route and the backend alone: a second wsproxy
     * instance with the same routes (or the same one after a restart) sends the client to the
     * same backend, and sets the same value.
     */
    @Test
    void theStickyCookieIsTheSameOnEveryInstanceWithTheSameRoutes() throws Exception {
        try (HttpBackend one = HttpBackend.start(HttpBackend.text("one"));
             HttpBackend two = HttpBackend.start(HttpBackend.text("two"))) {
            String backends = one.uri("/") + "," + two.uri("/");
            java.util.Map<String, String> firstInstance = new java.util.HashMap<>();
            try (ProxyServer proxy = ProxyServer.route("/app/*", null, "backend", backends, "http", "proxy", "sticky", "cookie")) {
                for (int i = 0; i < 2; i++) {
                    HttpResponse<byte[]> response = send(get(proxy, "/app/x").build());
                    firstInstance.put(new String(response.body(), StandardCharsets.UTF_8),
                            response.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0]);
                }
            }
            assertEquals(2, firstInstance.size(), "round-robin sent the two requests to both backends: " + firstInstance);
            try (ProxyServer other = ProxyServer.route("/app/*", null, "backend", backends, "http", "proxy", "sticky", "cookie")) {
                for (java.util.Map.Entry<String, String> pinned : firstInstance.entrySet()) {
                    for (int i = 0; i < 3; i++) {
                        HttpResponse<byte[]> response = send(get(other, "/app/x").header("Cookie", pinned.getValue()).build());
                        assertEquals(pinned.getKey(), new String(response.body(), StandardCharsets.UTF_8));
                        assertTrue(response.headers().firstValue("Set-Cookie").isEmpty());
                    }
                }
            }
        }
    }
}
