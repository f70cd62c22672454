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

    private static void open(List<WsClient> clients, ProxyServer proxy, int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            WsClient client = WsClient.connect(proxy.ws("/echo"));
            clients.add(client);
            client.sendText("hello " + i);
            assertEquals("hello " + i, client.nextText());
        }
    }
}
