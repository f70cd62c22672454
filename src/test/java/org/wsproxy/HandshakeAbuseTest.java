package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.RawHandshake;
import org.wsproxy.support.ScriptedBackend;

/**
 * Handshakes built to hurt: heads larger than the container takes, and CR or LF placed where a
 * proxy that copies bytes would start a new header line on the backend. Sent byte for byte
 * ({@link RawHandshake}) to a route whose backend shows the header lines it received
 * ({@link ScriptedBackend}).
 *
 * <p>The missing, repeated and malformed Sec-WebSocket-Key and -Version are in
 * {@link HandshakeTest}; request targets in {@link PathTricksTest}.
 */
class HandshakeAbuseTest {

    /**
     * Tomcat's maxHttpHeaderSize: the most bytes of request line and headers, with their line ends
     * and the blank line, that its connector reads (the default, which the container tests keep).
     */
    private static final int TOMCAT_MAX_HEAD = 8192;

    /** Tomcat's maxHeaderCount: the most header lines in a request. */
    private static final int TOMCAT_MAX_HEADERS = 100;

    /** What the Tyrus client's HTTP codec (Grizzly) writes at most, whatever wsproxy's constant says. */
    private static final int BACKEND_MAX_HEADER_FIELDS = 100;

    // --- Size ----------------------------------------------------------------------------------

    /** One byte more than Tomcat reads, and a head twice as large: Tomcat's own 400, and no backend connection. */
    @ParameterizedTest
    @ValueSource(ints = {TOMCAT_MAX_HEAD + 1, 2 * TOMCAT_MAX_HEAD})
    void aHeadLargerThanTheContainerTakesIsRefused400(int headBytes) throws Exception {
        try (ScriptedBackend backend = ScriptedBackend.choosing("");
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake request = withHeadOf(headBytes, RawHandshake.to(proxy.port(), "/chat"));
            RawHandshake.Response response = request.send(proxy.port());
            assertEquals(400, response.status(), response.statusLine());
            assertEquals(0, backend.connections());
        }
    }

    /** A head of exactly Tomcat's limit: its largest header reaches the backend byte for byte. */
    @Test
    void aHeaderJustWithinTheLimitReachesTheBackendIntact() throws Exception {
        try (ScriptedBackend backend = ScriptedBackend.choosing("");
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake request = withHeadOf(TOMCAT_MAX_HEAD, RawHandshake.to(proxy.port(), "/chat"));
            RawHandshake.Response response = request.send(proxy.port());
            assertEquals(101, response.status(), response.statusLine());
            String sent = filler(request);
            assertTrue(sent.length() > 8000, "the header is " + sent.length() + " characters");
            assertEquals(List.of(sent), backend.nextRequest().headers().get("X-Big"));
        }
    }

    /** One header line more than Tomcat takes: its 400, and no backend connection. */
    @Test
    void moreHeaderLinesThanTheContainerTakesAreRefused400() throws Exception {
        try (ScriptedBackend backend = ScriptedBackend.choosing("");
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake request = withHeaderLines(TOMCAT_MAX_HEADERS + 1, RawHandshake.to(proxy.port(), "/chat"));
            RawHandshake.Response response = request.send(proxy.port());
            assertEquals(400, response.status(), response.statusLine());
            assertEquals(0, backend.connections());
        }
    }

    /**
     * The backend leg's limit: the Tyrus client's HTTP codec (Grizzly) writes at most 100 header
     * fields. A handshake whose backend request has exactly 100 reaches the backend with every
     * header; one header more is answered 431 at once, without a backend connection. (It was
     * answered 504 after connectTimeout, with the backend connection left open and silent.)
     * Measured with and without the fields Tyrus adds for a subprotocol offer and for compression,
     * and with the client's Host in place of Tyrus's.
     */
    @ParameterizedTest
    @ValueSource(strings = {"plain", "subprotocol", "backendCompression", "preserveHost"})
    void theMostHeaderFieldsTheBackendLegCarriesReachTheBackendOneMoreIs431(String variant) throws Exception {
        try (ScriptedBackend backend = ScriptedBackend.choosing("");
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"),
                     "backendCompression", Boolean.toString(variant.equals("backendCompression")),
                     "preserveHost", Boolean.toString(variant.equals("preserveHost")))) {
            RawHandshake bare = RawHandshake.to(proxy.port(), "/chat");
            if (variant.equals("subprotocol")) {
                bare.add("Sec-WebSocket-Protocol", "v1.wsproxy.test");
            }
            assertEquals(101, bare.send(proxy.port()).status());
            int withoutExtra = lines(backend.nextRequest());
            int extra = BACKEND_MAX_HEADER_FIELDS - withoutExtra;

            RawHandshake most = withExtraHeaders(extra, RawHandshake.to(proxy.port(), "/chat"));
            RawHandshake oneMore = withExtraHeaders(extra + 1, RawHandshake.to(proxy.port(), "/chat"));
            if (variant.equals("subprotocol")) {
                most.add("Sec-WebSocket-Protocol", "v1.wsproxy.test");
                oneMore.add("Sec-WebSocket-Protocol", "v1.wsproxy.test");
            }
            RawHandshake.Response response = most.send(proxy.port());
            assertEquals(101, response.status(), response.statusLine());
            ScriptedBackend.Request seen = backend.nextRequest();
            assertEquals(BACKEND_MAX_HEADER_FIELDS, lines(seen), seen.headers().keySet().toString());
            for (int i = 0; i < extra; i++) {
                assertEquals(List.of("value-" + i), seen.headers().get("X-Many-" + i), "X-Many-" + i);
            }
            int connections = backend.connections();
            response = oneMore.send(proxy.port());
            assertEquals(431, response.status(), response.statusLine());
            assertEquals(connections, backend.connections(), "no backend connection for the refused handshake");
        }
    }

    // --- CR and LF -----------------------------------------------------------------------------

    /** A bare CR in a header's value or name: Tomcat's 400, and no backend connection. */
    @ParameterizedTest
    @ValueSource(strings = {"X-A|1\rX-Injected: yes", "X-A\rX-Injected|yes", "X-A|1\r", "X-A|a\u0000b"})
    void aBareCrOrNulIsRefused400(String nameAndValue) throws Exception {
        String[] header = nameAndValue.split("\\|", 2);
        try (ScriptedBackend backend = ScriptedBackend.choosing("");
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat").add(header[0], header[1]).send(proxy.port());
            assertEquals(400, response.status(), response.statusLine());
            assertEquals(0, backend.connections());
        }
    }

    /**
     * A bare LF ends a header line: RFC 9112 section 2.2 lets a recipient take it for CRLF, and
     * Tomcat does. What follows it is then a header of its own, which the backend gets only as
     * any header a client sends: an X-Forwarded-User is removed, an X-Forwarded-For appended to,
     * and nothing is copied byte for byte.
     */
    @Test
    void aBareLfStartsAHeaderThatIsHandledAsAnyOther() throws Exception {
        try (ScriptedBackend backend = ScriptedBackend.choosing("");
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat")
                    .add("X-A", "1\nX-Forwarded-User: admin")
                    .add("X-B", "2\nX-Forwarded-For: 203.0.113.9")
                    .send(proxy.port());
            assertEquals(101, response.status(), response.statusLine());
            ScriptedBackend.Request seen = backend.nextRequest();
            assertAll(
                    () -> assertEquals(List.of("1"), seen.headers().get("X-A")),
                    () -> assertEquals(List.of("2"), seen.headers().get("X-B")),
                    () -> assertNull(seen.headers().get("X-Forwarded-User")),
                    () -> assertEquals(List.of("203.0.113.9, 127.0.0.1"), seen.headers().get("X-Forwarded-For")));
        }
    }

    /** A bare LF that would add a second Host or Sec-WebSocket-Key: refused 400, as two such lines are. */
    @ParameterizedTest
    @ValueSource(strings = {"1\nHost: evil.example", "1\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA=="})
    void aBareLfAddingASecondHostOrKeyIsRefused400(String value) throws Exception {
        try (ScriptedBackend backend = ScriptedBackend.choosing("");
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat").add("X-A", value).send(proxy.port());
            assertEquals(400, response.status(), response.statusLine());
            assertEquals(0, backend.connections());
        }
    }

    /**
     * An obsolete line folding (a line starting with a space or tab continues the header before
     * it): Tomcat joins it into that header's value (RFC 9112 section 5.2 allows that or a 400),
     * and the backend gets one header line, never the continuation as a header of its own.
     */
    @ParameterizedTest
    @ValueSource(strings = {" ", "\t"})
    void aFoldedLineReachesTheBackendAsPartOfOneHeaderLine(String fold) throws Exception {
        try (ScriptedBackend backend = ScriptedBackend.choosing("");
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat")
                    .add("X-A", "1\r\n" + fold + "X-Injected: yes").send(proxy.port());
            assertEquals(101, response.status(), response.statusLine());
            ScriptedBackend.Request seen = backend.nextRequest();
            assertEquals(List.of("1" + fold + "X-Injected: yes"), seen.headers().get("X-A"));
            assertNull(seen.headers().get("X-Injected"), seen.headers().toString());
        }
    }

    /**
     * A CR or LF in the request target ends the request line there, without "HTTP/1.1". Tomcat
     * answers 400, or takes the line for an HTTP/0.9 request (no headers, and an answer that is
     * only a body): no handshake either way, and no backend connection.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/chat\nX-Injected: yes", "/chat?q=1\nX-Injected: yes", "/chat\rX-Injected: yes",
        "/chat?q=1\rX-Injected: yes", "/chat\r\nX-Injected: yes"})
    void aCrOrLfInTheRequestTargetIsNoHandshake(String target) throws Exception {
        try (ScriptedBackend backend = ScriptedBackend.choosing("");
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            String answer;
            try {
                answer = RawHandshake.to(proxy.port(), target).send(proxy.port()).statusLine();
            } catch (IOException noStatusLine) {
                answer = noStatusLine.getMessage();
            }
            assertTrue(answer.equals("HTTP/1.1 400 ") || answer.contains("before the end of the head"), answer);
            assertEquals(0, backend.connections());
        }
    }

    // --- Helpers --------------------------------------------------------------------------------

    /** Adds an X-Big header that makes the request head exactly {@code headBytes} long. */
    private static RawHandshake withHeadOf(int headBytes, RawHandshake request) {
        int fill = headBytes - request.head().length() - "X-Big: \r\n".length();
        return request.add("X-Big", "x".repeat(fill));
    }

    /** The value of the X-Big header {@link #withHeadOf} added. */
    private static String filler(RawHandshake request) {
        String head = request.head();
        int start = head.indexOf("X-Big: ") + "X-Big: ".length();
        return head.substring(start, head.indexOf("\r\n", start));
    }

    /** Adds {@code count} headers X-Many-0, X-Many-1, ... with values value-0, value-1, ... */
    private static RawHandshake withExtraHeaders(int count, RawHandshake request) {
        for (int i = 0; i < count; i++) {
            request.add("X-Many-" + i, "value-" + i);
        }
        return request;
    }

    /** How many header lines a request arrived with. */
    private static int lines(ScriptedBackend.Request request) {
        return request.headers().values().stream().mapToInt(List::size).sum();
    }

    /** Adds X-Many-n headers until the request has {@code lines} header lines. */
    private static RawHandshake withHeaderLines(int lines, RawHandshake request) {
        int present = request.head().split("\r\n").length - 1;
        for (int i = 0; present + i < lines; i++) {
            request.add("X-Many-" + i, "value-" + i);
        }
        return request;
    }
}
