package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wsproxy.support.HttpFirstClients;
import org.wsproxy.support.PeerProcess;
import org.wsproxy.support.ProxyServer;

/**
 * Socket.IO 4, the most used realtime library, unmodified from the npm registry (server and
 * client in node, src/test/node/socketio/), through a route of wsproxy in an embedded Tomcat.
 * Over its websocket transport everything a Socket.IO application does passes: events with
 * acknowledgements, a binary attachment, a 1 MiB payload, a broadcast to a room. Its default
 * transports start with HTTP long-polling, which a route refuses while it proxies WebSocket only
 * (the default): the client says it could not connect.
 */
class SocketIoTest {

    private static PeerProcess server;
    private static ProxyServer proxy;
    /** The same backend through a route with http=proxy: Socket.IO's polling passes too. */
    private static ProxyServer httpProxy;

    @BeforeAll
    static void start() throws Exception {
        server = PeerProcess.node("socketio", "server.js");
        URI backend = URI.create("ws://127.0.0.1:" + HttpFirstClients.listening(server) + "/socket.io");
        proxy = ProxyServer.route("/socket.io/*", backend);
        httpProxy = ProxyServer.route("/socket.io/*", backend, "http", "proxy");
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (httpProxy != null) {
            httpProxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void websocketTransportCarriesEventsAcknowledgementsAttachmentsLargePayloadsAndRooms() throws Exception {
        HttpFirstClients.socketIoSession(server, proxy.http("/socket.io/"), "websocket", "route without http=proxy");
    }

    @Test
    void defaultTransportsStartWithPollingWhichARouteOfWebSocketsOnlyRefuses() throws Exception {
        String seen = HttpFirstClients.socketIo(proxy.http("/socket.io/"), "polling,websocket");
        assertTrue(seen.contains("\"error\":\"xhr poll error\""), "long-polling is plain HTTP: " + seen);
        // What the client's first request got: the route's answer to HTTP that is not a handshake.
        HttpResponse<String> poll = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(proxy.http("/socket.io/?EIO=4&transport=polling")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(426, poll.statusCode());
        assertEquals("websocket", poll.headers().firstValue("Upgrade").orElse(null));
    }

    /** Everything again, with the default transports through a route with http=proxy: polling, then the upgrade. */
    @Test
    void withHttpProxyDefaultTransportsPollThenUpgradeAndCarryEverything() throws Exception {
        HttpFirstClients.socketIoSession(server, httpProxy.http("/socket.io/"), "polling,websocket", "http=proxy");
    }

    @Test
    void withHttpProxyPollingAloneCarriesEverything() throws Exception {
        HttpFirstClients.socketIoSession(server, httpProxy.http("/socket.io/"), "polling", "http=proxy");
    }
}
