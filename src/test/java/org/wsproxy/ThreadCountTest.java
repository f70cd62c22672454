package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.Measurements;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/**
 * No thread per connection: the thread count with 1,000 open proxied connections is within 20 of
 * the count with 10. The count is this whole JVM's (client, proxy and backend).
 */
class ThreadCountTest {

    @Test
    void threadCountDoesNotFollowConnectionCount() throws Exception {
        List<WsClient> clients = new ArrayList<>();
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", backend.uri("/echo"))) {
            open(clients, proxy, 10);
            int atTen = Measurements.liveThreads();
            open(clients, proxy, 990);
            int atThousand = Measurements.liveThreads();
            assertEquals(1000, backend.openSessions());
            Measurements.record("threads with 10 open proxied connections: " + atTen + "; with 1000: " + atThousand);
            assertTrue(atThousand - atTen <= 20, "threads: " + atTen + " at 10 connections, " + atThousand + " at 1000");
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    /**
     * Backend messages are delivered by wsproxy's own bounded pool, not by Grizzly's default one:
     * Tyrus used to ignore the pool's settings, and its unnamed default pool grew to 413 threads
     * in the benchmark. 50 connections opened and echoing at once make the pool grow.
     */
    @Test
    void backendDeliveriesRunOnTheConfiguredPool() throws Exception {
        List<WsClient> clients = new ArrayList<>();
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", backend.uri("/echo"))) {
            List<Thread> openers = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 5; t++) {
                Thread opener = new Thread(() -> {
                    try {
                        List<WsClient> mine = new ArrayList<>();
                        open(mine, proxy, 10);
                        synchronized (clients) {
                            clients.addAll(mine);
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                opener.start();
                openers.add(opener);
            }
            for (Thread opener : openers) {
                opener.join(30_000);
            }
            assertEquals(List.of(), failures);
            List<String> names = Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
            long workers = names.stream().filter(n -> n.startsWith("wsproxy-backend-worker(")).count();
            long unnamed = names.stream().filter(n -> n.startsWith("Grizzly(")).count();
            assertTrue(workers >= 1, "no wsproxy-backend-worker thread among " + names);
            assertEquals(0, unnamed, "Grizzly's default pool is in use: " + names);
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    private static void open(List<WsClient> clients, ProxyServer proxy, int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            WsClient client = WsClient.connect(proxy.ws("/echo"));
            clients.add(client);
            client.sendText("hello " + i);
            assertEquals("hello " + i, client.nextText());
        }
    }
}
