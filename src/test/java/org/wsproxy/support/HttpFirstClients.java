package org.wsproxy.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The clients of the HTTP-first realtime frameworks (src/test/node/: Socket.IO, SockJS, a
 * Server-Sent Events client), run against a route and checked for what a user of each would see.
 * One set of checks for every place wsproxy runs: the embedded Tomcat of the unit suites, and the
 * real Tomcat and GlassFish distributions of the integration tests.
 */
public final class HttpFirstClients {

    /** The clients bound themselves at 60 s; a little more here, so that their own error line is what fails. */
    private static final Duration CLIENT_WAIT = Duration.ofSeconds(70);
    /** A server's line about something that already happened (the client saw it) is there within this. */
    private static final Duration SERVER_LINE = Duration.ofSeconds(5);

    private HttpFirstClients() {
    }

    /** The port a server printed in its {"event":"listening","port":N} line. */
    public static int listening(PeerProcess server) throws Exception {
        String line = server.await(l -> l.contains("\"event\":\"listening\""), Duration.ofSeconds(20)).text();
        Matcher port = Pattern.compile("\"port\":(\\d+)").matcher(line);
        assertTrue(port.find(), line);
        return Integer.parseInt(port.group(1));
    }

    /**
     * Runs socketio/client.js with {@code transports} against the Socket.IO path {@code path}
     * (http://host:port/context/socket.io/); returns the JSON line it printed.
     */
    public static String socketIo(URI path, String transports) throws Exception {
        try (PeerProcess client = PeerProcess.node("socketio", "client.js", origin(path), path.getRawPath(), transports)) {
            return client.await(line -> line.startsWith("{"), CLIENT_WAIT).text();
        }
    }

    /**
     * A whole Socket.IO session over {@code transports} ("polling,websocket" is the default,
     * "polling" and "websocket" each alone): events with acknowledgements, a binary attachment, a
     * 1 MiB payload, a room broadcast between two clients, and the transport each client ended on
     * (websocket unless polling alone). {@code where} names the container in failure messages.
     */
    public static void socketIoSession(PeerProcess server, URI path, String transports, String where) throws Exception {
        String seen = socketIo(path, transports);
        assertTrue(seen.contains("\"text\":\"hello \u00e9\u20ac\ud83d\ude00\""), () -> where + ": " + seen);
        assertTrue(seen.contains("\"binary\":[0,1,2,254,255]"), () -> where + ": " + seen);
        assertTrue(seen.contains("\"bigLength\":1048576") && seen.contains("\"bigIntact\":true"), () -> where + ": " + seen);
        assertTrue(seen.contains("\"heard\":\"hi room\""), () -> where + ": " + seen);
        String last = transports.equals("polling") ? "polling" : "websocket";
        assertTrue(seen.contains("\"transports\":[\"" + last + "\",\"" + last + "\"]"),
                () -> where + ": both clients on " + last + " at the end: " + seen);
        String first = transports.startsWith("polling") ? "polling" : "websocket";
        server.await(line -> line.contains("\"transport\":\"" + first + "\""), SERVER_LINE);
    }

    /** Runs socketio/many.js: {@code clients} clients at once with the default transports; returns its JSON line. */
    public static String socketIoMany(URI path, int clients) throws Exception {
        try (PeerProcess many = PeerProcess.node("socketio", "many.js", origin(path), path.getRawPath(),
                Integer.toString(clients))) {
            return many.await(line -> line.startsWith("{\"n\""), CLIENT_WAIT).text();
        }
    }

    /**
     * Fifty clients over two servers (server.js s1 and s2) behind a route with sticky=cookie: each
     * session's polls and upgrade reach the server that holds it, and the sessions are spread
     * over both servers.
     */
    public static void socketIoSessionsStayOnTheirServer(URI path, String where) throws Exception {
        String seen = socketIoMany(path, 50);
        assertTrue(seen.contains("\"connected\":50,\"upgraded\":50,\"echoed\":50"), () -> where + ": " + seen);
        Matcher servers = Pattern.compile("\"s1\":(\\d+),\"s2\":(\\d+)|\"s2\":(\\d+),\"s1\":(\\d+)").matcher(seen);
        assertTrue(servers.find(), () -> where + ": clients on both servers: " + seen);
        assertTrue(seen.contains("\"errorCount\":0"), () -> where + ": " + seen);
    }

    /**
     * The same over a route without sticky: round-robin sends a session's next request to the
     * other server, which answers 400 "Session ID unknown", as engine.io says it will (so the
     * sticky check above can fail).
     */
    public static void socketIoSessionsBreakWithoutStickiness(URI path, String where) throws Exception {
        String seen = socketIoMany(path, 50);
        assertFalse(seen.contains("\"connected\":50,\"upgraded\":50,\"echoed\":50"), () -> where + ": " + seen);
        assertTrue(seen.contains("400"), () -> where + ": engine.io's answer to a session it does not hold: " + seen);
    }

    /** sockjs/client.js over {@code transport} to the SockJS service at {@code service}: three echoes, intact. */
    public static void sockJsEchoes(PeerProcess server, URI service, String transport, String where) throws Exception {
        try (PeerProcess client = PeerProcess.node("sockjs", "client.js", service.toString(), transport)) {
            String seen = client.await(line -> line.startsWith("{"), CLIENT_WAIT).text();
            assertEquals("{\"transport\":\"" + transport + "\",\"echoed\":3,\"intact\":true}", seen, where);
        }
        server.await(line -> line.contains("\"protocol\":\"" + transport + "\""), SERVER_LINE);
    }

    /**
     * sse/client.js against sse/server.js at {@code base}: the server sends event i+1 only once the
     * client has acknowledged event i (a POST through the same route), so the stream completes
     * only if each event reached the client on its own, not held in a buffer until more came.
     */
    public static void serverSentEventsOneByOne(PeerProcess server, URI base, String where) throws Exception {
        try (PeerProcess client = PeerProcess.node("sse", "client.js", base.toString(), "5")) {
            String opened = client.await(line -> line.contains("\"event\":\"open\"") || line.startsWith("{\"error\""),
                    Duration.ofSeconds(20)).text();
            assertTrue(opened.contains("\"status\":200") && opened.contains("text/event-stream"), () -> where + ": " + opened);
            String done = client.await(line -> line.startsWith("{\"done\"") || line.startsWith("{\"error\""),
                    CLIENT_WAIT).text();
            assertEquals("{\"done\":true,\"received\":5}", done, where);
        }
        for (int i = 1; i <= 5; i++) {
            int event = i;
            server.await(line -> line.contains("\"event\":\"acked\"") && line.contains("\"i\":" + event + ","), SERVER_LINE);
        }
    }

    private static String origin(URI uri) {
        return uri.getScheme().replace("ws", "http") + "://" + uri.getHost() + ":" + uri.getPort();
    }
}
