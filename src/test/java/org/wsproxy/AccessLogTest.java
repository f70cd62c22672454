package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wsproxy.support.HttpBackend;
import org.wsproxy.support.LogCapture;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.ScriptedBackend;
import org.wsproxy.support.TcpRelay;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/** The access log: one line per closed connection under org.wsproxy.access, with what the connection did. */
class AccessLogTest {

    private static final String LOGGER = "org.wsproxy.access";

    private LogCapture log;
    private TestBackend backend;
    private ProxyServer proxy;

    @BeforeEach
    void start() {
        log = new LogCapture(LOGGER);
        backend = TestBackend.start();
        proxy = ProxyServer.route("/echo", backend.uri("/echo"));
    }

    @AfterEach
    void stop() throws InterruptedException {
        try {
            assertEquals(0, proxy.awaitNoRelays(5), "relays still held after the test");
        } finally {
            proxy.close();
            backend.close();
            log.close();
        }
    }

    @Test
    void aConnectionGetsOneLineWithItsTrafficAndBothCloses() throws Exception {
        Instant before = Instant.now();
        // Text: 10 + 10 (five 2-byte characters) + 100 bytes; binary: 7 + 300 bytes. Echoed, so the same back.
        List<String> texts = List.of("0123456789", "\u00e9\u00e9\u00e9\u00e9\u00e9", "x".repeat(100));
        List<byte[]> binaries = List.of(new byte[7], new byte[300]);
        try (WsClient client = WsClient.connect(proxy.ws("/echo"))) {
            for (String text : texts) {
                client.sendText(text);
                assertEquals(text, client.nextText());
            }
            for (byte[] binary : binaries) {
                client.sendBinary(binary);
                assertArrayEquals(binary, client.nextBinary());
            }
            client.close(4000, "bye");
            assertEquals(4000, client.awaitClose(5).code());
        }
        Map<String, String> line = onlyLine();
        assertAll(
                () -> assertEquals("r", line.get("route"), "ProxyServer.route names its route r"),
                () -> assertEquals("127.0.0.1", line.get("client")),
                () -> assertEquals(backend.uri("/echo").toString(), line.get("backend")),
                () -> assertFalse(Instant.parse(line.get("start")).isBefore(before.minusSeconds(1)), line.get("start")),
                () -> assertTrue(Long.parseLong(line.get("duration_ms")) >= 0, line.get("duration_ms")),
                () -> assertEquals("5", line.get("in_msgs")),
                () -> assertEquals("427", line.get("in_bytes")),
                () -> assertEquals("5", line.get("out_msgs")),
                () -> assertEquals("427", line.get("out_bytes")),
                () -> assertEquals("4000", line.get("client_close")),
                () -> assertEquals("bye", line.get("client_reason")),
                () -> assertEquals("4000", line.get("backend_close")),
                () -> assertEquals("bye", line.get("backend_reason")),
                () -> assertEquals("client", line.get("first")));
    }

    @Test
    void aBackendThatClosesFirstIsNamedFirst() throws Exception {
        try (WsClient client = WsClient.connect(proxy.ws("/echo"))) {
            client.sendText("close:4001:done");
            WsClient.Close seen = client.awaitClose(5);
            assertEquals(4001, seen.code());
        }
        Map<String, String> line = onlyLine();
        assertAll(
                () -> assertEquals("1", line.get("in_msgs"), "the message that asked the backend to close"),
                () -> assertEquals("0", line.get("out_msgs")),
                () -> assertEquals("4001", line.get("backend_close")),
                () -> assertEquals("done", line.get("backend_reason")),
                () -> assertEquals("4001", line.get("client_close"), "the client answered the close it was sent"),
                () -> assertEquals("backend", line.get("first")));
    }

    @Test
    void aClientThatVanishesIsLoggedAs1006AndItsBackendAs1001() throws Exception {
        try (TcpRelay relay = new TcpRelay(proxy.port());
             WsClient client = WsClient.connect(proxy.ws("/echo").resolve("//127.0.0.1:" + relay.port() + "/echo"))) {
            client.sendText("ping");
            assertEquals("ping", client.nextText());
            relay.resetAll();
            assertEquals(1001, backend.nextClose(5).getCloseCode().getCode());
        }
        Map<String, String> line = onlyLine();
        assertAll(
                () -> assertEquals("1006", line.get("client_close")),
                () -> assertEquals("1001", line.get("backend_close")),
                () -> assertEquals("client went away", line.get("backend_reason")),
                () -> assertEquals("client", line.get("first")));
    }

    /** A reason is the client's to choose: quotes, backslashes and line breaks stay inside its field. */
    @Test
    void aHostileReasonCannotBreakTheLineOrForgeAField() throws Exception {
        String reason = "x\" first=backend\nINFO route=forged \\ \r\u2028end";
        try (WsClient client = WsClient.connect(proxy.ws("/echo"))) {
            client.close(4000, reason);
            assertEquals(4000, client.awaitClose(5).code());
        }
        String raw = awaitLines(1).get(0);
        assertFalse(raw.contains("\n") || raw.contains("\r") || raw.contains("\u2028"), raw);
        Map<String, String> line = fields(raw);
        assertAll(
                () -> assertEquals(reason, line.get("client_reason")),
                () -> assertEquals(reason, line.get("backend_reason")),
                () -> assertEquals("r", line.get("route"), "ProxyServer.route names its route r"),
                () -> assertEquals("client", line.get("first")));
    }

    @Test
    void theClientIsTheAddressThatTrustedProxiesLetThrough() throws Exception {
        try (ProxyServer trusting = ProxyServer.route("/echo", backend.uri("/echo"), "trustedProxies", "127.0.0.1");
             WsClient client = WsClient.connect(trusting.ws("/echo"), List.of(), Map.of("X-Forwarded-For", "203.0.113.9"))) {
            client.close(1000, "");
            assertEquals(1000, client.awaitClose(5).code());
            assertEquals("203.0.113.9", onlyLine().get("client"));
            assertEquals(0, trusting.awaitNoRelays(5));
        }
    }

    /**
     * A proxied HTTP request (http=proxy) has a line of its own in the same log: method, path with
     * its query, status, the bodies' bytes each way, duration, backend, and whether it ended whole.
     */
    @Test
    void aProxiedHttpRequestGetsOneLineWithItsStatusAndBodies() throws Exception {
        Instant before = Instant.now();
        try (HttpBackend http = HttpBackend.start((request, out, socket) -> HttpBackend.respond(out, 201,
                Map.of("Content-Type", "text/plain"), "created".getBytes(StandardCharsets.US_ASCII)));
             ProxyServer proxying = ProxyServer.route("/app/*", http.uri("/base"), "http", "proxy")) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(proxying.http("/app/x?q=1"))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, response.statusCode());
            Map<String, String> line = onlyLine();
            assertAll(
                    () -> assertFalse(Instant.parse(line.get("start")).isBefore(before.minusSeconds(1)), line.get("start")),
                    () -> assertEquals("r", line.get("route")),
                    () -> assertEquals("127.0.0.1", line.get("client")),
                    () -> assertEquals(http.uri("/base").toString(), line.get("backend")),
                    () -> assertTrue(Long.parseLong(line.get("duration_ms")) >= 0, line.get("duration_ms")),
                    () -> assertEquals("POST", line.get("method")),
                    () -> assertEquals(proxying.http("/app/x").getRawPath() + "?q=1", line.get("path")),
                    () -> assertEquals("201", line.get("status")),
                    () -> assertEquals("5", line.get("in_bytes")),
                    () -> assertEquals("7", line.get("out_bytes")),
                    () -> assertEquals("true", line.get("complete")),
                    () -> assertEquals("complete", List.copyOf(line.keySet()).get(line.size() - 1), "a request's line"));
        }
    }

    /** A handshake refused before the client's 101 has the handshake's WARNING, not an access line. */
    @Test
    void aRefusedHandshakeHasNoLine() throws Exception {
        try (ProxyServer down = ProxyServer.route("/down", URI.create("ws://127.0.0.1:" + ScriptedBackend.unusedPort() + "/echo"))) {
            assertEquals(502, WsClient.refusedStatus(down.ws("/down"), Map.of()));
            assertEquals(0, down.awaitNoRelays(5));
        }
        // The relay of a refused handshake is released before the 502 is written: a line would be there by now.
        assertEquals(List.of(), log.messages());
    }

    @Test
    void anIdleTimeoutIsClosedFirstByTheProxy() throws Exception {
        try (ProxyServer idle = ProxyServer.route("/echo", backend.uri("/echo"), "idleTimeout", "300ms");
             WsClient client = WsClient.connect(idle.ws("/echo"))) {
            assertEquals(1001, client.awaitClose(5).code());
            Map<String, String> line = onlyLine();
            assertAll(
                    () -> assertEquals("1001", line.get("client_close")),
                    () -> assertEquals("1001", line.get("backend_close")),
                    () -> assertEquals("idle timeout", line.get("backend_reason")),
                    () -> assertEquals("proxy", line.get("first")));
            assertEquals(0, idle.awaitNoRelays(5));
        }
    }

    // --- Helpers --------------------------------------------------------------------------------

    /** The test's one access line, as fields; fails if there is none within 5 s, or more than one. */
    private Map<String, String> onlyLine() throws InterruptedException {
        List<String> lines = awaitLines(1);
        return fields(lines.get(0));
    }

    /** The first {@code count} access lines, waiting up to 5 s; every message must be one at INFO. */
    private List<String> awaitLines(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (log.messages().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        List<String> messages = List.copyOf(log.messages());
        assertEquals(count, messages.size(), "access lines: " + messages);
        return messages.stream().map(m -> {
            assertTrue(m.startsWith("INFO "), m);
            return m.substring("INFO ".length());
        }).toList();
    }

    /**
     * Parses a line as documented: {@code key=value} pairs separated by one space, a value bare or in
     * double quotes with backslash escapes. Fails on anything else, so a line that does not parse
     * back fails the test.
     */
    static Map<String, String> fields(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        int i = 0;
        while (i < line.length()) {
            int eq = line.indexOf('=', i);
            assertTrue(eq > i, "no key at " + i + " in " + line);
            String key = line.substring(i, eq);
            assertTrue(key.matches("[a-z_]+"), "key [" + key + "] in " + line);
            i = eq + 1;
            StringBuilder value = new StringBuilder();
            if (i < line.length() && line.charAt(i) == '"') {
                i++;
                while (line.charAt(i) != '"') {
                    char c = line.charAt(i++);
                    if (c == '\\') {
                        char e = line.charAt(i++);
                        switch (e) {
                            case 'n' -> value.append('\n');
                            case 'r' -> value.append('\r');
                            case 't' -> value.append('\t');
                            case 'u' -> {
                                value.append((char) Integer.parseInt(line.substring(i, i + 4), 16));
                                i += 4;
                            }
                            default -> value.append(e);
                        }
                    } else {
                        value.append(c);
                    }
                }
                i++;
            } else {
                while (i < line.length() && line.charAt(i) != ' ') {
                    value.append(line.charAt(i++));
                }
            }
            assertFalse(fields.containsKey(key), "key [" + key + "] twice in " + line);
            fields.put(key, value.toString());
            if (i < line.length()) {
                assertEquals(' ', line.charAt(i), "after [" + key + "] in " + line);
                i++;
            }
        }
        List<String> keys = List.copyOf(fields.keySet());
        // A connection's line, or a proxied HTTP request's (http=proxy): each has its fields in this order.
        List<String> connection = List.of("start", "route", "client", "backend", "duration_ms", "in_msgs", "in_bytes",
                "out_msgs", "out_bytes", "client_close", "client_reason", "backend_close", "backend_reason", "first");
        List<String> request = List.of("start", "route", "client", "backend", "duration_ms", "method", "path", "status",
                "in_bytes", "out_bytes", "complete");
        assertTrue(keys.equals(connection) || keys.equals(request), line);
        return fields;
    }
}
