package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsproxy.support.PeerProcess;
import org.wsproxy.support.ProxyServer;

/**
 * HTTP-first realtime frameworks, unmodified from the npm registry (src/test/node/), through a
 * route with http=proxy in an embedded Tomcat: Socket.IO sessions spread over two servers (which
 * need sticky=cookie), SockJS over its websocket, xhr-streaming and xhr-polling transports, and a
 * Server-Sent Events stream whose each event reaches the client before the next one exists.
 */
class HttpFirstFrameworksTest {

    private static final Duration START = Duration.ofSeconds(20);

    /** The port a peer printed in its {"event":"listening","port":N} line. */
    private static int listening(PeerProcess peer) throws Exception {
        String line = peer.await(l -> l.contains("\"event\":\"listening\""), START).text();
        Matcher port = Pattern.compile("\"port\":(\\d+)").matcher(line);
        assertTrue(port.find(), line);
        return Integer.parseInt(port.group(1));
    }

    private static String many(ProxyServer proxy, int clients) throws Exception {
        URI url = proxy.ws("/socket.io/");
        try (PeerProcess many = PeerProcess.node("socketio", "many.js", "http://127.0.0.1:" + url.getPort(),
                url.getRawPath(), Integer.toString(clients))) {
            return many.await(line -> line.startsWith("{\"n\""), Duration.ofSeconds(70)).text();
        }
    }

    /**
     * Fifty Socket.IO clients with their default transports (polling, then the upgrade) over two
     * servers: with sticky=cookie each session's polls and upgrade reach the server that holds it,
     * and the clients are spread over both. With sticky=none round-robin sends a session's second
     * request to the other server, which answers 400 "Session ID unknown", as engine.io says.
     */
    @Test
    void socketIoSessionsOverTwoServersNeedTheStickyCookie() throws Exception {
        try (PeerProcess s1 = PeerProcess.node("socketio", "server.js", "s1");
             PeerProcess s2 = PeerProcess.node("socketio", "server.js", "s2")) {
            String backends = "ws://127.0.0.1:" + listening(s1) + "/socket.io," + "ws://127.0.0.1:" + listening(s2) + "/socket.io";
            try (ProxyServer sticky = ProxyServer.route("/socket.io/*", null, "backend", backends, "http", "proxy",
                    "sticky", "cookie")) {
                String seen = many(sticky, 50);
                assertTrue(seen.contains("\"connected\":50,\"upgraded\":50,\"echoed\":50"), seen);
                Matcher servers = Pattern.compile("\"s1\":(\\d+),\"s2\":(\\d+)|\"s2\":(\\d+),\"s1\":(\\d+)").matcher(seen);
                assertTrue(servers.find(), "clients on both servers: " + seen);
                assertTrue(seen.contains("\"errorCount\":0"), seen);
            }
            try (ProxyServer roundRobin = ProxyServer.route("/socket.io/*", null, "backend", backends, "http", "proxy")) {
                String seen = many(roundRobin, 50);
                assertFalse(seen.contains("\"connected\":50,\"upgraded\":50,\"echoed\":50"), seen);
                assertTrue(seen.contains("400"), "engine.io's answer to a session it does not hold: " + seen);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "xhr-streaming", "xhr-polling"})
    void sockJsEchoesOverEachTransport(String transport) throws Exception {
        try (PeerProcess server = PeerProcess.node("sockjs", "server.js", "/sockjs")) {
            int port = listening(server);
            try (ProxyServer proxy = ProxyServer.route("/sockjs/*", URI.create("ws://127.0.0.1:" + port + "/sockjs"),
                    "http", "proxy");
                 PeerProcess client = PeerProcess.node("sockjs", "client.js", proxy.http("/sockjs").toString(), transport)) {
                String seen = client.await(line -> line.startsWith("{"), Duration.ofSeconds(70)).text();
                assertEquals("{\"transport\":\"" + transport + "\",\"echoed\":3,\"intact\":true}", seen);
                server.await(line -> line.contains("\"protocol\":\"" + transport + "\""), Duration.ofSeconds(5));
            }
        }
    }

    /**
     * The server sends event i+1 only once the client has acknowledged event i (a POST through the
     * same route): the stream completes only if each event reached the client on its own, not held
     * in a buffer until more came.
     */
    @Test
    void serverSentEventsReachTheClientOneByOne() throws Exception {
        try (PeerProcess server = PeerProcess.node("sse", "server.js")) {
            int port = listening(server);
            try (ProxyServer proxy = ProxyServer.route("/sse/*", URI.create("ws://127.0.0.1:" + port + "/sse"),
                    "http", "proxy");
                 PeerProcess client = PeerProcess.node("sse", "client.js", proxy.http("/sse").toString(), "5")) {
                String opened = client.await(line -> line.contains("\"event\":\"open\""), Duration.ofSeconds(20)).text();
                assertTrue(opened.contains("\"status\":200") && opened.contains("text/event-stream"), opened);
                String done = client.await(line -> line.startsWith("{\"done\"") || line.startsWith("{\"error\""),
                        Duration.ofSeconds(70)).text();
                assertEquals("{\"done\":true,\"received\":5}", done);
                for (int i = 1; i <= 5; i++) {
                    int event = i;
                    server.await(line -> line.contains("\"event\":\"acked\"") && line.contains("\"i\":" + event + ","),
                            Duration.ofSeconds(5));
                }
            }
        }
    }
}
