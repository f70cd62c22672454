package org.wsproxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/**
 * The load balancer's health check: 200 with the counts while running, 503 from the start of a
 * drain; and the handshakes refused meanwhile. Tomcat unmaps an application before stopping it
 * (see DrainTest), so the drain is started here on the runtime itself, as a container that keeps
 * routing requests during contextDestroyed would see it.
 */
class HealthTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void okWhileRunningAndServiceUnavailableWhileDraining() throws Exception {
        try (TestBackend backend = TestBackend.start();
                ProxyServer proxy = ProxyServer.builder().health()
                        .param("wsproxy.route.r.path", "/echo").param("wsproxy.route.r.backend", backend.uri("/echo").toString())
                        .param("wsproxy.route.s.path", "/other/*").param("wsproxy.route.s.backend", backend.uri("/echo").toString())
                        .param("wsproxy.drainTime", "20s").start()) {
            HttpResponse<String> running = get(proxy);
            assertEquals(200, running.statusCode());
            assertEquals("{\"status\":\"ok\",\"routes\":2,\"connections\":0}\n", running.body());
            assertEquals("application/json;charset=UTF-8", running.headers().firstValue("Content-Type").orElse(""));
            assertEquals("no-store", running.headers().firstValue("Cache-Control").orElse(""));

            try (WsClient first = echoing(proxy); WsClient second = echoing(proxy)) {
                HttpResponse<String> busy = get(proxy);
                assertEquals("{\"status\":\"ok\",\"routes\":2,\"connections\":2}\n", busy.body());
                assertFalse(busy.body().contains("127.0.0.1") || busy.body().contains(Integer.toString(backend.port())),
                        "the health check names no backend: " + busy.body());

                // Of two relays over 20 s, one is closed at once and the other after 10 s.
                ProxyRuntime runtime = proxy.runtime();
                CompletableFuture<Void> stopped = CompletableFuture.runAsync(runtime::stop);
                assertEquals(1001, backend.nextClose(5).getCloseCode().getCode());
                assertEquals(1, proxy.awaitRelays(1, 5), "the first relay is released once both legs answered");

                HttpResponse<String> draining = get(proxy);
                assertEquals(503, draining.statusCode());
                assertEquals("{\"status\":\"stopping\",\"routes\":2,\"connections\":1}\n", draining.body());
                assertEquals("application/json;charset=UTF-8", draining.headers().firstValue("Content-Type").orElse(""));
                assertEquals("no-store", draining.headers().firstValue("Cache-Control").orElse(""));

                WsClient.Refused refused = assertThrows(WsClient.Refused.class, () -> WsClient.connect(proxy.ws("/echo")));
                assertEquals(503, refused.status);
                assertEquals(List.of("5"), refused.headers.get("retry-after"));
                assertFalse(stopped.isDone(), "the drain ended before the second relay's turn");

                // Both clients leave (try-with-resources); the drain has no one left and ends.
                first.close();
                second.close();
                stopped.get(8, TimeUnit.SECONDS);
            }
        }
    }

    private static WsClient echoing(ProxyServer proxy) throws Exception {
        WsClient client = WsClient.connect(proxy.ws("/echo"));
        client.sendText("hello");
        assertEquals("hello", client.nextText());
        return client;
    }

    private static HttpResponse<String> get(ProxyServer proxy) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(proxy.http("/health")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
