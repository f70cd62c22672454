package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
        String listening = server.await(line -> line.contains("\"event\":\"listening\""), Duration.ofSeconds(20)).text();
        Matcher port = Pattern.compile("\"port\":(\\d+)").matcher(listening);
        assertTrue(port.find(), listening);
        proxy = ProxyServer.route("/socket.io/*", URI.create("ws://127.0.0.1:" + port.group(1) + "/socket.io"));
        httpProxy = ProxyServer.route("/socket.io/*", URI.create("ws://127.0.0.1:" + port.group(1) + "/socket.io"),
                "http", "proxy");
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

    /** Runs client.js with {@code transports} against the route; returns the JSON line it printed. */
    private static String client(String transports) throws Exception {
        return client(proxy, transports);
    }

    private static String client(ProxyServer through, String transports) throws Exception {
        URI url = through.ws("/socket.io/");
        try (PeerProcess client = PeerProcess.node("socketio", "client.js", "http://127.0.0.1:" + url.getPort(),
                url.getRawPath(), transports)) {
            return client.await(line -> line.startsWith("{"), Duration.ofSeconds(70)).text();
        }
    }

    @Test
    void websocketTransportCarriesEventsAcknowledgementsAttachmentsLargePayloadsAndRooms() throws Exception {
        String seen = client("websocket");
        assertTrue(seen.contains("\"text\":\"hello \u00e9\u20ac\ud83d\ude00\""), seen);
        assertTrue(seen.contains("\"binary\":[0,1,2,254,255]"), seen);
        assertTrue(seen.contains("\"bigLength\":1048576") && seen.contains("\"bigIntact\":true"), seen);
        assertTrue(seen.contains("\"heard\":\"hi room\""), seen);
        assertTrue(seen.contains("\"transports\":[\"websocket\",\"websocket\"]"), seen);
        server.await(line -> line.contains("\"transport\":\"websocket\""), Duration.ofSeconds(5));
    }

    @Test
    void defaultTransportsStartWithPollingWhichARouteOfWebSocketsOnlyRefuses() throws Exception {
        String seen = client("polling,websocket");
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
        String seen = client(httpProxy, "polling,websocket");
        assertTrue(seen.contains("\"text\":\"hello \u00e9\u20ac\ud83d\ude00\""), seen);
        assertTrue(seen.contains("\"binary\":[0,1,2,254,255]"), seen);
        assertTrue(seen.contains("\"bigLength\":1048576") && seen.contains("\"bigIntact\":true"), seen);
        assertTrue(seen.contains("\"heard\":\"hi room\""), seen);
        assertTrue(seen.contains("\"transports\":[\"websocket\",\"websocket\"]"), "upgraded to websocket at the end: " + seen);
        server.await(line -> line.contains("\"transport\":\"polling\""), Duration.ofSeconds(5));
    }

    @Test
    void withHttpProxyPollingAloneCarriesEverything() throws Exception {
        String seen = client(httpProxy, "polling");
        assertTrue(seen.contains("\"bigLength\":1048576") && seen.contains("\"bigIntact\":true"), seen);
        assertTrue(seen.contains("\"heard\":\"hi room\""), seen);
        assertTrue(seen.contains("\"transports\":[\"polling\",\"polling\"]"), seen);
    }
}
