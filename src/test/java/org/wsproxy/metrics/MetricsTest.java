package org.wsproxy.metrics;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.PrometheusText;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.ScriptedBackend;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.TestEngine;
import org.wsproxy.support.WsClient;

/**
 * The Prometheus endpoint as a scraper sees it: real clients through the embedded Tomcat proxy to
 * real backends, then {@code GET /metrics} over HTTP, and the exact value of each sample.
 */
class MetricsTest {

    /** HTTP/1.1: the default also offers h2c, which is not what a WebSocket client or a scraper sends. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Longest wait for what the clients saw to be counted (a close is, once both legs of its relay have closed). */
    private static final Duration COUNTED_WAIT = Duration.ofSeconds(10);

    @Test
    void everyOutcomeIsCountedPerRouteAndBackend() throws Exception {
        try (TestBackend a = TestBackend.start(); TestBackend b = TestBackend.start();
                ScriptedBackend silent = ScriptedBackend.silent()) {
            String echoA = a.uri("/echo").toString();
            String echoB = b.uri("/echo").toString();
            String down = "ws://127.0.0.1:" + ScriptedBackend.unusedPort() + "/echo";
            String slow = silent.uri("/echo").toString();
            String missing = a.uri("/nowhere").toString();
            try (ProxyServer proxy = ProxyServer.builder().contextPath("/everyoutcome").metrics()
                    .param("wsproxy.route.echo.path", "/echo").param("wsproxy.route.echo.backend", echoA)
                    .param("wsproxy.route.echo.allowedOrigins", "https://app.example")
                    .param("wsproxy.route.one.path", "/one").param("wsproxy.route.one.backend", echoA)
                    .param("wsproxy.route.one.maxConnections", "1")
                    .param("wsproxy.route.pair.path", "/pair").param("wsproxy.route.pair.backend", echoA + ", " + echoB)
                    .param("wsproxy.route.down.path", "/down").param("wsproxy.route.down.backend", down)
                    .param("wsproxy.route.slow.path", "/slow").param("wsproxy.route.slow.backend", slow)
                    .param("wsproxy.route.slow.connectTimeout", "500ms")
                    .param("wsproxy.route.missing.path", "/missing").param("wsproxy.route.missing.backend", missing)
                    // Failed backends stay out of rotation (backend_up 0) for the whole test.
                    .param("wsproxy.failTimeout", "1h")
                    .start()) {

                // Route echo: three connections. 1: "hello" (5 bytes) and 300 binary bytes, echoed,
                // then the client closes with 1000. 2: "é" (2 bytes), echoed, and stays open.
                // 3: "close:4001:done" (15 bytes) asks the backend to close with 4001.
                WsClient open = null;
                try {
                try (WsClient first = WsClient.connect(proxy.ws("/echo"))) {
                    first.sendText("hello");
                    assertEquals("hello", first.nextText());
                    first.sendBinary(new byte[300]);
                    assertArrayEquals(new byte[300], first.nextBinary());
                    first.close(1000, "");
                    assertEquals(1000, first.awaitClose(5).code());
                }
                open = WsClient.connect(proxy.ws("/echo"));
                try (WsClient third = WsClient.connect(proxy.ws("/echo"))) {
                    open.sendText("\u00e9");
                    assertEquals("\u00e9", open.nextText());
                    third.sendText("close:4001:done");
                    assertEquals(4001, third.awaitClose(5).code());
                }
                // Refused by wsproxy before any backend: a foreign Origin (403), not a WebSocket handshake (426).
                assertEquals(403, WsClient.refusedStatus(proxy.ws("/echo"), Map.of("Origin", "https://evil.example")));
                assertEquals(426, HTTP.send(HttpRequest.newBuilder(proxy.http("/echo")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode());

                // Route one: its maxConnections of 1 is taken, the next handshake gets 503.
                try (WsClient only = WsClient.connect(proxy.ws("/one"))) {
                    assertEquals(503, WsClient.refusedStatus(proxy.ws("/one"), Map.of()));
                    only.close(4500, "private");
                    assertEquals(4500, only.awaitClose(5).code());
                }

                // Route pair: round-robin, so one connection to each backend; one text message each.
                for (int i = 0; i < 2; i++) {
                    try (WsClient client = WsClient.connect(proxy.ws("/pair"))) {
                        client.sendText("x");
                        assertEquals("x", client.nextText());
                    }
                }

                // Backend failures: nothing listens (502), never answers (504), answers 404 itself.
                assertEquals(502, WsClient.refusedStatus(proxy.ws("/down"), Map.of()));
                assertEquals(504, WsClient.refusedStatus(proxy.ws("/slow"), Map.of()));
                assertEquals(404, WsClient.refusedStatus(proxy.ws("/missing"), Map.of()));

                List<Consumer<PrometheusText>> checks = new ArrayList<>();
                // Route echo, backend a.
                String[] ea = {"route", "echo", "backend", echoA};
                expect(checks, 1, "wsproxy_connections_open", ea);
                expect(checks, 1, "wsproxy_backend_up", ea);
                expect(checks, 0, "wsproxy_backend_failures_total", ea);
                expect(checks, 3, "wsproxy_handshakes_total", ea, "outcome", "ok");
                for (String outcome : List.of("4xx", "502", "503", "504", "other")) {
                    expect(checks, 0, "wsproxy_handshakes_total", ea, "outcome", outcome);
                }
                expect(checks, 4, "wsproxy_messages_total", ea, "direction", "in");
                expect(checks, 5 + 300 + 2 + 15, "wsproxy_bytes_total", ea, "direction", "in");
                expect(checks, 3, "wsproxy_messages_total", ea, "direction", "out");
                expect(checks, 5 + 300 + 2, "wsproxy_bytes_total", ea, "direction", "out");
                expect(checks, 1, "wsproxy_route_info", "route", "echo", "engine", TestEngine.frames() ? "frames" : "jsr356");
                expect(checks, 1, "wsproxy_closes_total", ea, "side", "client", "code", "1000");
                expect(checks, 1, "wsproxy_closes_total", ea, "side", "backend", "code", "1000");
                expect(checks, 1, "wsproxy_closes_total", ea, "side", "client", "code", "4xxx");
                expect(checks, 1, "wsproxy_closes_total", ea, "side", "backend", "code", "4xxx");
                // Route echo, no backend: the 403 and the 426.
                String[] en = {"route", "echo", "backend", "none"};
                expect(checks, 2, "wsproxy_handshakes_total", en, "outcome", "4xx");
                expect(checks, 0, "wsproxy_handshakes_total", en, "outcome", "503");
                // Without a backend, no handshake can open or fail at a backend: no such series.
                for (String outcome : List.of("ok", "502", "504")) {
                    checks.add(page -> assertEquals(null, page.value("wsproxy_handshakes_total", "route", "echo", "backend",
                            "none", "outcome", outcome), outcome));
                }
                // Route one: its 503 is wsproxy's, before any backend.
                expect(checks, 1, "wsproxy_handshakes_total", "route", "one", "backend", "none", "outcome", "503");
                expect(checks, 1, "wsproxy_handshakes_total", "route", "one", "backend", echoA, "outcome", "ok");
                expect(checks, 1, "wsproxy_closes_total", "route", "one", "backend", echoA, "side", "client", "code", "4xxx");
                expect(checks, 0, "wsproxy_connections_open", "route", "one", "backend", echoA);
                // Route pair: one connection and one message each way on each backend.
                for (String backend : List.of(echoA, echoB)) {
                    String[] pb = {"route", "pair", "backend", backend};
                    expect(checks, 1, "wsproxy_handshakes_total", pb, "outcome", "ok");
                    expect(checks, 1, "wsproxy_messages_total", pb, "direction", "in");
                    expect(checks, 1, "wsproxy_messages_total", pb, "direction", "out");
                    expect(checks, 1, "wsproxy_bytes_total", pb, "direction", "in");
                    expect(checks, 1, "wsproxy_bytes_total", pb, "direction", "out");
                    expect(checks, 1, "wsproxy_closes_total", pb, "side", "backend", "code", "1000");
                    expect(checks, 0, "wsproxy_connections_open", pb);
                    expect(checks, 1, "wsproxy_backend_up", pb);
                }
                // The failed backends: out of rotation, their failure counted, the client's status as the outcome.
                for (String[] failed : List.of(new String[] {"down", down, "502"}, new String[] {"slow", slow, "504"})) {
                    String[] fb = {"route", failed[0], "backend", failed[1]};
                    expect(checks, 1, "wsproxy_handshakes_total", fb, "outcome", failed[2]);
                    expect(checks, 1, "wsproxy_backend_failures_total", fb);
                    expect(checks, 0, "wsproxy_backend_up", fb);
                    expect(checks, 0, "wsproxy_connections_open", fb);
                }
                // A backend that answers with a status of its own has not failed.
                String[] mb = {"route", "missing", "backend", missing};
                expect(checks, 1, "wsproxy_handshakes_total", mb, "outcome", "4xx");
                expect(checks, 0, "wsproxy_backend_failures_total", mb);
                expect(checks, 1, "wsproxy_backend_up", mb);
                // Totals: no handshake counted twice or elsewhere (5 on echo, 2 on one, 2 on pair, 1 each on down, slow, missing).
                checks.add(page -> assertEquals(12.0, sum(page, "wsproxy_handshakes_total"), "all handshakes"));
                // And every close: 5 connections closed, a code for each leg.
                checks.add(page -> assertEquals(10.0, sum(page, "wsproxy_closes_total"), "all closes"));
                checks.add(page -> assertEquals("counter", page.type("wsproxy_handshakes_total")));
                checks.add(page -> assertEquals("gauge", page.type("wsproxy_connections_open")));

                // A close is counted once both legs have closed, a message once it has been passed
                // on, which may be just after the client saw its answer: scraped until all is there.
                PrometheusText page = awaitScrape(proxy, p -> checks.stream().allMatch(check -> passes(check, p)));
                assertAll(checks.stream().map(check -> () -> check.accept(page)));
                } finally {
                    if (open != null) {
                        open.close();
                    }
                }
            }
        }
    }

    @Test
    void theEndpointIsForTheListedAddressesOnly() throws Exception {
        try (TestBackend backend = TestBackend.start();
                ProxyServer proxy = ProxyServer.builder().contextPath("/notallowed").metrics()
                        .param("wsproxy.route.r.path", "/echo").param("wsproxy.route.r.backend", backend.uri("/echo").toString())
                        .param("wsproxy.metricsAllowedAddresses", "10.0.0.0/8, 2001:db8::/32").start()) {
            HttpResponse<String> refused = get(proxy);
            assertEquals(403, refused.statusCode());
            assertFalse(refused.body().contains(Integer.toString(backend.port())), refused.body());
            assertEquals("no-store", refused.headers().firstValue("Cache-Control").orElse(""));
        }
    }

    @Test
    void theEndpointAnswersTheMachineItselfByDefault() throws Exception {
        try (TestBackend backend = TestBackend.start();
                ProxyServer proxy = ProxyServer.builder().contextPath("/bydefault").metrics()
                        .param("wsproxy.route.r.path", "/echo").param("wsproxy.route.r.backend", backend.uri("/echo").toString())
                        .start()) {
            HttpResponse<String> page = get(proxy);
            assertEquals(200, page.statusCode(), page.body());
            // Tomcat rewrites the spaces between the parameters; a scraper reads the parameters.
            assertEquals("text/plain;version=0.0.4;charset=utf-8",
                    page.headers().firstValue("Content-Type").orElse("").replace(" ", ""));
            assertEquals("no-store", page.headers().firstValue("Cache-Control").orElse(""));
            PrometheusText text = PrometheusText.parse(page.body());
            assertEquals(1.0, text.value("wsproxy_backend_up", "route", "r", "backend", backend.uri("/echo").toString()), page.body());
        }
    }

    /** Scrapes until {@code ready} holds, for at most {@link #COUNTED_WAIT}; returns the last page either way. */
    /** Proxied HTTP requests (http=proxy) are counted by route, backend and status class. */
    @Test
    void httpRequestsAreCountedByStatusClass() throws Exception {
        try (org.wsproxy.support.HttpBackend backend = org.wsproxy.support.HttpBackend.start((request, out, socket) ->
                org.wsproxy.support.HttpBackend.respond(out, request.target().endsWith("missing") ? 404 : 200, java.util.Map.of(),
                        new byte[3]));
             ProxyServer proxy = ProxyServer.builder().contextPath("/httpcounts").metrics()
                     .param("wsproxy.route.web.path", "/web/*").param("wsproxy.route.web.backend", backend.uri("/").toString())
                     .param("wsproxy.route.web.http", "proxy").start()) {
            for (String path : List.of("/web/a", "/web/b", "/web/missing")) {
                HTTP.send(java.net.http.HttpRequest.newBuilder(proxy.http(path)).build(), HttpResponse.BodyHandlers.discarding());
            }
            String tag = backend.uri("/").toString();
            PrometheusText page = awaitScrape(proxy, p -> Double.valueOf(1).equals(
                    p.value("wsproxy_http_requests_total", "route", "web", "backend", tag, "status", "4xx")));
            assertEquals(2.0, page.value("wsproxy_http_requests_total", "route", "web", "backend", tag, "status", "2xx"), page::toString);
            assertEquals(1.0, page.value("wsproxy_http_requests_total", "route", "web", "backend", tag, "status", "4xx"), page::toString);
        }
    }

    static PrometheusText awaitScrape(ProxyServer proxy, Predicate<PrometheusText> ready) throws Exception {
        long deadline = System.nanoTime() + COUNTED_WAIT.toNanos();
        PrometheusText page = scrape(proxy);
        while (!ready.test(page) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            page = scrape(proxy);
        }
        return page;
    }

    static PrometheusText scrape(ProxyServer proxy) throws Exception {
        HttpResponse<String> response = get(proxy);
        assertEquals(200, response.statusCode(), response.body());
        return PrometheusText.parse(response.body());
    }

    private static HttpResponse<String> get(ProxyServer proxy) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(proxy.http("/metrics")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double sum(PrometheusText page, String name) {
        return page.samples(name).stream().mapToDouble(PrometheusText.Sample::value).sum();
    }

    private static boolean passes(Consumer<PrometheusText> check, PrometheusText page) {
        try {
            check.accept(page);
            return true;
        } catch (AssertionError notYet) {
            return false;
        }
    }

    private static void expect(List<Consumer<PrometheusText>> checks, double value, String name, String[] labels,
                               String... more) {
        String[] all = new String[labels.length + more.length];
        System.arraycopy(labels, 0, all, 0, labels.length);
        System.arraycopy(more, 0, all, labels.length, more.length);
        expect(checks, value, name, all);
    }

    private static void expect(List<Consumer<PrometheusText>> checks, double value, String name, String... labels) {
        checks.add(page -> assertEquals(Double.valueOf(value), page.value(name, labels),
                () -> name + " " + String.join(",", labels) + " in\n" + page));
    }
}
