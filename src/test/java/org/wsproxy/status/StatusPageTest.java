package org.wsproxy.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.wsproxy.server.WsProxyInitializer;
import org.wsproxy.support.LogCapture;
import org.wsproxy.support.MiniJson;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.TestEngine;
import org.wsproxy.support.WsClient;

/**
 * The status page over HTTP: who may see it (by the TCP peer's address, or by a container role),
 * its protective headers, and the JSON the page polls. What the page shows in a browser is
 * {@link StatusPageBrowserTest}'s.
 */
class StatusPageTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void fromThisMachineThePageScriptStyleAndDataAreServedWithProtectiveHeaders() throws Exception {
        try (TestBackend backend = TestBackend.start(); ProxyServer proxy = proxy(backend)) {
            HttpResponse<String> page = get(proxy, "/status", Map.of());
            assertEquals(200, page.statusCode());
            assertEquals("text/html;charset=UTF-8", header(page, "Content-Type"));
            assertEquals("no-store", header(page, "Cache-Control"));
            String policy = header(page, "Content-Security-Policy");
            assertTrue(policy.contains("default-src 'none'") && policy.contains("script-src 'self';")
                    && policy.contains("connect-src 'self'") && !policy.contains("unsafe"), policy);
            assertEquals("nosniff", header(page, "X-Content-Type-Options"));
            assertTrue(page.body().contains("<script src=\"/wsproxy/status/status.js\" defer></script>"), page.body());
            assertFalse(page.body().contains("<script>") || page.body().contains("style="), "nothing inline: " + page.body());

            HttpResponse<String> script = get(proxy, "/status/status.js", Map.of());
            assertEquals(200, script.statusCode());
            assertEquals("text/javascript;charset=UTF-8", header(script, "Content-Type"));
            assertFalse(script.body().contains("innerHTML"), "values go in as text only");
            assertEquals("text/css;charset=UTF-8", header(get(proxy, "/status/status.css", Map.of()), "Content-Type"));
            assertEquals(404, get(proxy, "/status/other", Map.of()).statusCode());

            HttpResponse<String> data = get(proxy, "/status/data.json", Map.of());
            assertEquals(200, data.statusCode());
            assertEquals("application/json;charset=UTF-8", header(data, "Content-Type"));
            assertEquals("no-store", header(data, "Cache-Control"));
            Map<String, Object> json = MiniJson.object(data.body());
            assertEquals(0L, json.get("openConnections"));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> routes = (List<Map<String, Object>>) json.get("routes");
            assertEquals("/chat/*", routes.get(0).get("path"));
            assertEquals(TestEngine.frames() ? "frames" : "jsr356", routes.get(0).get("engine"));
        }
    }

    @Test
    void theDataCarriesConnectionsAndClosesWithTheirTextIntact() throws Exception {
        String reason = "\"quoted\" \\ <b>&</b>\u00e9";
        try (TestBackend backend = TestBackend.start(); ProxyServer proxy = proxy(backend);
                WsClient open = WsClient.connect(proxy.ws("/chat/a"))) {
            open.sendText("hello");
            assertEquals("hello", open.nextText());
            try (WsClient closing = WsClient.connect(proxy.ws("/chat/b"))) {
                closing.close(4000, reason);
                closing.awaitClose(5);
            }
            assertEquals(1, proxy.awaitRelays(1, 5));
            String body = get(proxy, "/status/data.json", Map.of()).body();
            assertFalse(body.contains("<") || body.contains(">"), "markup characters are escaped in the JSON too: " + body);
            Map<String, Object> json = MiniJson.object(body);
            assertEquals(1L, json.get("openConnections"));
            @SuppressWarnings("unchecked")
            Map<String, Object> connection = ((List<Map<String, Object>>) json.get("connections")).get(0);
            assertEquals("127.0.0.1", connection.get("client"));
            assertEquals(backend.uri("/echo/a").toString(), connection.get("backend"));
            assertEquals(List.of(1L, 5L, 1L, 5L), List.of(connection.get("inMessages"), connection.get("inBytes"),
                    connection.get("outMessages"), connection.get("outBytes")));
            @SuppressWarnings("unchecked")
            Map<String, Object> close = ((List<Map<String, Object>>) json.get("closes")).get(0);
            assertEquals(reason, close.get("clientReason"));
            assertEquals(4000L, close.get("clientCode"));
            assertEquals("client", close.get("closedFirst"));
            @SuppressWarnings("unchecked")
            Map<String, Object> route = ((List<Map<String, Object>>) json.get("routes")).get(0);
            assertEquals(Map.of("101", 2L), route.get("handshakes"));
        }
    }

    /** With http=proxy, the route's proxied HTTP requests are counted by the status the client got. */
    @Test
    void httpRequestsAreCountedByStatus() throws Exception {
        try (TestBackend backend = TestBackend.start(); ProxyServer proxy = proxy(backend, "wsproxy.route.chat.http", "proxy")) {
            int status = get(proxy, "/chat/page", Map.of()).statusCode();
            @SuppressWarnings("unchecked")
            Map<String, Object> route = ((List<Map<String, Object>>) MiniJson.object(get(proxy, "/status/data.json", Map.of())
                    .body()).get("routes")).get(0);
            assertEquals("proxy", route.get("http"));
            assertEquals(Map.of(String.valueOf(status), 1L), route.get("httpRequests"));
        }
    }

    @Test
    void onlyTheNewestConnectionsAreListedAndTheCountSaysHowManyThereAre() throws Exception {
        int opened = StatusView.SHOWN_CONNECTIONS + 2;
        List<WsClient> clients = new ArrayList<>();
        try (TestBackend backend = TestBackend.start(); ProxyServer proxy = proxy(backend)) {
            try {
                for (int i = 0; i < opened; i++) {
                    clients.add(WsClient.connect(proxy.ws("/chat/c" + i)));
                }
                Map<String, Object> json = MiniJson.object(get(proxy, "/status/data.json", Map.of()).body());
                assertEquals((long) opened, json.get("openConnections"));
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> listed = (List<Map<String, Object>>) json.get("connections");
                assertEquals(StatusView.SHOWN_CONNECTIONS, listed.size());
                assertEquals(backend.uri("/echo/c" + (opened - 1)).toString(), listed.get(0).get("backend"), "newest first");
            } finally {
                clients.forEach(WsClient::close);
            }
        }
    }

    @Test
    void anAddressOutsideTheListIsRefusedWhateverXForwardedForSays() throws Exception {
        try (TestBackend backend = TestBackend.start();
                ProxyServer proxy = proxy(backend, "wsproxy.statusAllowedAddresses", "192.0.2.0/24",
                        "wsproxy.trustedProxies", "127.0.0.1")) {
            for (String path : List.of("/status", "/status/data.json", "/status/status.js")) {
                assertEquals(403, get(proxy, path, Map.of()).statusCode(), path);
                assertEquals(403, get(proxy, path, Map.of("X-Forwarded-For", "192.0.2.7")).statusCode(), path);
            }
        }
    }

    @Test
    void aUserInStatusRoleMayLookFromAnywhereAndOthersMayNot() throws Exception {
        try (TestBackend backend = TestBackend.start();
                ProxyServer proxy = ProxyServer.builder().status()
                        .param("wsproxy.route.chat.path", "/chat/*").param("wsproxy.route.chat.backend", backend.uri("/echo").toString())
                        // Nobody by address: from this machine too, only the role opens the page.
                        .param("wsproxy.statusAllowedAddresses", "")
                        .param("wsproxy.statusRole", "wsproxy-admin")
                        .user("admin", "secret", "wsproxy-admin")
                        .user("guest", "guest", "wsproxy-user")
                        .start()) {
            HttpResponse<String> anonymous = get(proxy, "/status/data.json", Map.of());
            assertEquals(401, anonymous.statusCode());
            assertTrue(header(anonymous, "WWW-Authenticate").startsWith("Basic realm=\"wsproxy\""), anonymous.headers().toString());
            assertEquals(401, get(proxy, "/status", basic("admin", "wrong")).statusCode());
            assertEquals(403, get(proxy, "/status", basic("guest", "guest")).statusCode());
            HttpResponse<String> admin = get(proxy, "/status/data.json", basic("admin", "secret"));
            assertEquals(200, admin.statusCode());
            assertTrue(admin.body().contains("\"path\":\"/chat/*\""), admin.body());
            assertEquals(200, get(proxy, "/status", basic("admin", "secret")).statusCode());
        }
    }

    @Test
    void aRoleWithoutALoginConfigOpensNothing() throws Exception {
        try (TestBackend backend = TestBackend.start();
                ProxyServer proxy = proxy(backend, "wsproxy.statusAllowedAddresses", "", "wsproxy.statusRole", "wsproxy-admin")) {
            assertEquals(403, get(proxy, "/status", basic("admin", "secret")).statusCode());
        }
    }

    @Test
    void aMalformedSettingFailsTheDeploymentNamingParameterAndValue() {
        try (LogCapture log = new LogCapture(WsProxyInitializer.class.getName())) {
            assertThrows(IllegalStateException.class, () -> ProxyServer.builder().status()
                    .param("wsproxy.route.chat.path", "/chat").param("wsproxy.route.chat.backend", "ws://127.0.0.1:9/chat")
                    .param("wsproxy.statusAllowedAddresses", "localhost")
                    .start().close());
            assertTrue(log.messages().stream().anyMatch(m -> m.startsWith("SEVERE")
                    && m.contains("parameter [wsproxy.statusAllowedAddresses] has value [localhost]")
                    && m.contains("host names are not allowed")), log.messages().toString());
        }
    }

    private static ProxyServer proxy(TestBackend backend, String... params) {
        ProxyServer.Builder builder = ProxyServer.builder().contextPath("/wsproxy").status()
                .param("wsproxy.route.chat.path", "/chat/*").param("wsproxy.route.chat.backend", backend.uri("/echo").toString());
        for (int i = 0; i + 1 < params.length; i += 2) {
            builder.param(params[i], params[i + 1]);
        }
        return builder.start();
    }

    private static HttpResponse<String> get(ProxyServer proxy, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(proxy.http(path)).timeout(Duration.ofSeconds(10));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static Map<String, String> basic(String user, String password) {
        return Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8)));
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse("");
    }
}
