package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/**
 * Stopping the application with a drainTime: the 1001 closes are spread over it, new handshakes
 * and the health check get 503 meanwhile, and clients that leave by themselves are not waited for.
 */
class DrainTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final long MILLIS = 1_000_000L;

    private TestBackend backend;
    private final List<WsClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        backend = TestBackend.start();
    }

    @AfterEach
    void stop() {
        clients.forEach(WsClient::close);
        backend.close();
    }

    @Test
    void stoppingClosesEveryConnectionWithGoingAwaySpreadOverDrainTime() throws Exception {
        int count = 20;
        try (ProxyServer proxy = ProxyServer.route("/echo", backend.uri("/echo"), "drainTime", "2s")) {
            for (int i = 0; i < count; i++) {
                clients.add(echoing(proxy));
            }
            long began = System.nanoTime();
            proxy.stopApplication();
            long stopMillis = (System.nanoTime() - began) / MILLIS;

            long[] closedAt = new long[count];
            for (int i = 0; i < count; i++) {
                WsClient.Close close = clients.get(i).awaitClose(5);
                assertEquals(1001, close.code(), "client " + i);
                assertEquals("proxy stopping", close.reason());
                closedAt[i] = clients.get(i).closedAtNanos();
                assertEquals(1001, backend.nextClose(5).getCloseCode().getCode(), "backend close " + i);
            }
            Arrays.sort(closedAt);
            // Relay i of 20 is closed at i * 100 ms: the last 1.9 s after the first.
            long spreadMillis = (closedAt[count - 1] - closedAt[0]) / MILLIS;
            assertTrue(spreadMillis >= 1500, "closes spread over " + spreadMillis + " ms only");
            // Two or three closes in any 200 ms; a few more when the machine stalls the drain thread.
            int most = 0;
            for (int first = 0; first < count; first++) {
                int in = 0;
                while (first + in < count && closedAt[first + in] - closedAt[first] <= 200 * MILLIS) {
                    in++;
                }
                most = Math.max(most, in);
            }
            assertTrue(most <= 6, most + " closes arrived within 200 ms");
            // drainTime (2 s) plus the grace for the last answers (3 s), with room for a slow machine.
            assertTrue(stopMillis >= 1500 && stopMillis < 7000, "stopping took " + stopMillis + " ms");
        }
    }

    @Test
    void duringTheDrainTheApplicationIsUnmappedAndAClientThatLeavesIsNotWaitedFor() throws Exception {
        try (ProxyServer proxy = ProxyServer.builder().health()
                .param("wsproxy.route.r.path", "/echo").param("wsproxy.route.r.backend", backend.uri("/echo").toString())
                .param("wsproxy.drainTime", "20s").start()) {
            WsClient first = echoing(proxy);
            WsClient second = echoing(proxy);
            clients.add(first);
            clients.add(second);

            // Of two relays over 20 s, one is closed at once and the other after 10 s.
            CompletableFuture<Long> stopped = CompletableFuture.supplyAsync(() -> {
                long began = System.nanoTime();
                try {
                    proxy.stopApplication();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return (System.nanoTime() - began) / MILLIS;
            });
            WsClient closedFirst = awaitOneClosed(first, second);
            WsClient left = closedFirst == first ? second : first;
            assertEquals(1001, closedFirst.awaitClose(1).code());
            assertEquals(1001, backend.nextClose(5).getCloseCode().getCode());

            // Tomcat has taken the application out of its request mapping before stopping it: a
            // load balancer's check fails from the start of the drain (HealthTest covers the 503
            // for containers that still route), and no new connection reaches wsproxy.
            assertEquals(404, get(proxy, "/health").statusCode());
            WsClient.Refused refused = assertThrows(WsClient.Refused.class, () -> WsClient.connect(proxy.ws("/echo")));
            assertEquals(404, refused.status);
            assertFalse(stopped.isDone(), "the drain ended before the second relay's turn");

            // The client that is still open leaves by itself: its close is relayed as it is, and the
            // drain has no one left to wait for.
            left.close();
            assertEquals(1000, backend.nextClose(5).getCloseCode().getCode());
            long stopMillis = stopped.get(8, TimeUnit.SECONDS);
            assertTrue(stopMillis < 10_000, "stopping took " + stopMillis + " ms, as if the drain waited for the left client");
        }
    }

    @Test
    void drainTimeIsPerRoute() throws Exception {
        TestBackend other = TestBackend.start();
        try (ProxyServer proxy = ProxyServer.builder()
                .param("wsproxy.route.slow.path", "/slow").param("wsproxy.route.slow.backend", backend.uri("/echo").toString())
                .param("wsproxy.route.slow.drainTime", "2s")
                .param("wsproxy.route.fast.path", "/fast").param("wsproxy.route.fast.backend", other.uri("/echo").toString())
                .start()) {
            List<WsClient> slow = new ArrayList<>();
            List<WsClient> fast = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                slow.add(echoing(proxy, "/slow"));
                fast.add(echoing(proxy, "/fast"));
            }
            clients.addAll(slow);
            clients.addAll(fast);
            proxy.stopApplication();
            long[] slowAt = closedAt(slow);
            long[] fastAt = closedAt(fast);
            // The route without a drainTime closes all at once, beside the other's spread (0, 0.5, 1, 1.5 s).
            assertTrue(fastAt[3] - fastAt[0] < 1000 * MILLIS, "the route without drainTime was spread too");
            assertTrue(slowAt[3] - slowAt[0] >= 1000 * MILLIS, "the route with drainTime was not spread");
        } finally {
            other.close();
        }
    }

    private static long[] closedAt(List<WsClient> group) throws Exception {
        long[] at = new long[group.size()];
        for (int i = 0; i < at.length; i++) {
            assertEquals(1001, group.get(i).awaitClose(5).code());
            at[i] = group.get(i).closedAtNanos();
        }
        Arrays.sort(at);
        return at;
    }

    /** Waits up to 5 s until one of the two has received a close. */
    private static WsClient awaitOneClosed(WsClient a, WsClient b) throws Exception {
        CompletableFuture<WsClient> first = CompletableFuture.anyOf(
                closeOf(a), closeOf(b)).thenApply(WsClient.class::cast);
        return first.get(5, TimeUnit.SECONDS);
    }

    private static CompletableFuture<WsClient> closeOf(WsClient client) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                client.awaitClose(6);
                return client;
            } catch (Exception | AssertionError e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private WsClient echoing(ProxyServer proxy) throws Exception {
        return echoing(proxy, "/echo");
    }

    /** A client whose connection has carried a message both ways, so its relay is open. */
    private static WsClient echoing(ProxyServer proxy, String path) throws Exception {
        WsClient client = WsClient.connect(proxy.ws(path));
        client.sendText("hello");
        assertEquals("hello", client.nextText());
        return client;
    }

    private static HttpResponse<String> get(ProxyServer proxy, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(proxy.http(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
