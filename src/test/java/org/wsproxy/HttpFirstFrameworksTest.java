package org.wsproxy;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsproxy.support.HttpFirstClients;
import org.wsproxy.support.PeerProcess;
import org.wsproxy.support.ProxyServer;

/**
 * HTTP-first realtime frameworks, unmodified from the npm registry (src/test/node/), through a
 * route with http=proxy in an embedded Tomcat: Socket.IO sessions spread over two servers (which
 * need sticky=cookie), SockJS over its websocket, xhr-streaming and xhr-polling transports, and a
 * Server-Sent Events stream whose each event reaches the client before the next one exists.
 */
class HttpFirstFrameworksTest {

    private static final String WHERE = "embedded Tomcat";

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
            String backends = "ws://127.0.0.1:" + HttpFirstClients.listening(s1) + "/socket.io,"
                    + "ws://127.0.0.1:" + HttpFirstClients.listening(s2) + "/socket.io";
            try (ProxyServer sticky = ProxyServer.route("/socket.io/*", null, "backend", backends, "http", "proxy",
                    "sticky", "cookie")) {
                HttpFirstClients.socketIoSessionsStayOnTheirServer(sticky.http("/socket.io/"), WHERE);
            }
            try (ProxyServer roundRobin = ProxyServer.route("/socket.io/*", null, "backend", backends, "http", "proxy")) {
                HttpFirstClients.socketIoSessionsBreakWithoutStickiness(roundRobin.http("/socket.io/"), WHERE);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "xhr-streaming", "xhr-polling"})
    void sockJsEchoesOverEachTransport(String transport) throws Exception {
        try (PeerProcess server = PeerProcess.node("sockjs", "server.js", "/sockjs")) {
            int port = HttpFirstClients.listening(server);
            try (ProxyServer proxy = ProxyServer.route("/sockjs/*", URI.create("ws://127.0.0.1:" + port + "/sockjs"),
                    "http", "proxy")) {
                HttpFirstClients.sockJsEchoes(server, proxy.http("/sockjs"), transport, WHERE);
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
            int port = HttpFirstClients.listening(server);
            try (ProxyServer proxy = ProxyServer.route("/sse/*", URI.create("ws://127.0.0.1:" + port + "/sse"),
                    "http", "proxy")) {
                HttpFirstClients.serverSentEventsOneByOne(server, proxy.http("/sse"), WHERE);
            }
        }
    }
}
