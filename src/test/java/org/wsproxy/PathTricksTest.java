package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.RawHandshake;
import org.wsproxy.support.ScriptedBackend;

/**
 * Request targets aimed at leaving the route's backend path or authority: dot segments, encoded
 * slashes and backslashes, {@code //host} and {@code @host}, absolute-form targets, very long paths.
 * Each is sent byte for byte, as HTTP clients would normalise them first.
 *
 * <p>Every one is either refused, by Tomcat or by wsproxy, without a backend connection, or
 * reaches the backend (route {@code /chat/*} to {@code /echo}) below {@code /echo} with the
 * backend's own Host. Which layer answered shows in the refusal's Content-Type: wsproxy's are
 * {@code text/plain}, Tomcat's error pages {@code text/html}.
 */
class PathTricksTest {

    /** Who answers a refused request, told apart by the Content-Type of the answer. */
    enum By {
        /** Tomcat's error page: a path that maps to no route, a character or a length it refuses. */
        TOMCAT("text/html;charset=utf-8"),
        /** wsproxy's own refusal. */
        WSPROXY("text/plain;charset=UTF-8");

        final String contentType;

        By(String contentType) {
            this.contentType = contentType;
        }
    }

    private static final String LONG_7K = "/chat/" + "a".repeat(7 * 1024);
    /** Beyond Tomcat's maxHttpHeaderSize (8 KiB for the request line and headers together). */
    private static final String LONG_9K = "/chat/" + "a".repeat(9 * 1024);

    static Stream<Arguments> refused() {
        return Stream.of(
                // Tomcat resolves dot segments, encoded ones too, before mapping: the request leaves
                // /chat/*, maps to no route, and never reaches wsproxy.
                arguments("/chat/../x", 404, By.TOMCAT),
                arguments("/chat/%2e%2e/x", 404, By.TOMCAT),
                arguments("/chat/%2E%2E/x", 404, By.TOMCAT),
                arguments("/chat/.%2e/x", 404, By.TOMCAT),
                arguments("/chat/..;/x", 404, By.TOMCAT),
                arguments("//evil.example/chat", 404, By.TOMCAT),
                // Tomcat refuses an encoded slash (encodedSolidusHandling="reject", its default).
                arguments("/chat/%2E%2E%2Fx", 400, By.TOMCAT),
                arguments("/chat/%2f%2fevil.example/x", 400, By.TOMCAT),
                arguments("/chat/a%2fb", 400, By.TOMCAT),
                arguments("/chat/a%2F..%2Fsecret", 400, By.TOMCAT),
                // Backslashes, encoded and raw (allowBackslash="false", its default).
                arguments("/chat/..%5cx", 400, By.TOMCAT),
                arguments("/chat/a%5c..%5c..%5csecret", 400, By.TOMCAT),
                arguments("/chat/%2e%2e%5csecret", 400, By.TOMCAT),
                arguments("/chat/\\..\\x", 400, By.TOMCAT),
                // Absolute-form naming another host than the Host header; ws: is no HTTP scheme at all.
                arguments("ws://evil.example/chat", 400, By.TOMCAT),
                arguments("http://evil.example/chat", 400, By.TOMCAT),
                // Control characters: NUL Tomcat refuses; the others decode into the path, and wsproxy refuses.
                arguments("/chat/%00", 400, By.TOMCAT),
                arguments("/chat/a%01b", 400, By.WSPROXY),
                arguments("/chat/a%7fb", 400, By.WSPROXY),
                arguments("/chat/a%0d%0aX-Injected:%20yes", 400, By.WSPROXY),
                // Longer than Tomcat's 8 KiB request head: 400, not 414.
                arguments(LONG_9K, 400, By.TOMCAT));
    }

    @ParameterizedTest(name = "[{index}] {1} by {2}")
    @MethodSource("refused")
    void refusedWithoutABackendConnection(String target, int status, By by) throws Exception {
        try (ScriptedBackend backend = ScriptedBackend.choosing("");
             ProxyServer proxy = ProxyServer.route("/chat/*", backend.uri("/echo"))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), target).send(proxy.port());
            assertEquals(status, response.status(), shown(target) + " answered " + response.statusLine());
            assertEquals(by.contentType, response.header("Content-Type"), shown(target) + ": who answered");
            assertEquals(0, backend.connections(), shown(target) + " opened a backend connection");
        }
    }

    static Stream<Arguments> forwarded() {
        return Stream.of(
                // Tomcat merges the empty segment: //evil.example is a path segment, never an authority.
                arguments("/chat//evil.example/x", "/echo/evil.example/x"),
                // '@' is path data below the backend's own path, never user-info.
                arguments("/chat/@evil.example", "/echo/@evil.example"),
                arguments("/chat/%40evil.example", "/echo/@evil.example"),
                arguments("/chat/x@evil.example:1/", "/echo/x@evil.example:1/"),
                // Dot segments that stay inside the route are resolved by Tomcat.
                arguments("/chat/x/..", "/echo"),
                arguments("/chat/./x", "/echo/x"),
                arguments("/chat/a/%2e%2e/b", "/echo/b"),
                // A path parameter is Tomcat's, not the backend's.
                arguments("/chat/;jsessionid=1/x", "/echo/x"),
                // The query is passed as it came, still encoded: %0d%0a stays three characters each.
                arguments("/chat/x?q=%0d%0aX-Injected:%20yes", "/echo/x?q=%0d%0aX-Injected:%20yes"),
                arguments("/chat/x?next=//evil.example/&u=a@evil.example", "/echo/x?next=//evil.example/&u=a@evil.example"),
                // Long, but within Tomcat's limit: passed whole.
                arguments(LONG_7K, "/echo/" + "a".repeat(7 * 1024)));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("forwarded")
    void forwardedBelowTheBackendPath(String target, String backendTarget) throws Exception {
        try (ScriptedBackend backend = ScriptedBackend.choosing("");
             ProxyServer proxy = ProxyServer.route("/chat/*", backend.uri("/echo"))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), target).send(proxy.port());
            assertEquals(101, response.status(), shown(target) + " answered " + response.statusLine());
            ScriptedBackend.Request seen = backend.nextRequest();
            assertEquals("GET " + backendTarget + " HTTP/1.1", seen.requestLine());
            assertEquals(List.of("127.0.0.1:" + backend.port()), seen.headers().get("Host"));
            assertNull(seen.headers().get("X-Injected"), "a header line made of the target");
        }
    }

    /**
     * The absolute form of a request target (RFC 9112 section 3.2.2), with the Host it names: its
     * authority is the client's business, and reaches the backend only as X-Forwarded-Host; the
     * backend request still goes to the route's backend, with the backend's Host.
     */
    @ParameterizedTest
    @ValueSource(strings = {"evil.example", "127.0.0.1"})
    void absoluteFormNeverChoosesTheBackend(String host) throws Exception {
        try (ScriptedBackend backend = ScriptedBackend.choosing("");
             ProxyServer proxy = ProxyServer.route("/chat/*", backend.uri("/echo"))) {
            String authority = host.equals("127.0.0.1") ? host + ":" + proxy.port() : host;
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "http://" + authority + "/chat/x")
                    .set("Host", authority).send(proxy.port());
            assertEquals(101, response.status(), response.statusLine());
            ScriptedBackend.Request seen = backend.nextRequest();
            assertEquals("GET /echo/x HTTP/1.1", seen.requestLine());
            assertEquals(List.of("127.0.0.1:" + backend.port()), seen.headers().get("Host"));
            assertEquals(List.of(authority), seen.headers().get("X-Forwarded-Host"));
        }
    }

    /**
     * A backend URL without a path: the path below the prefix is all of the backend's path, so an
     * empty segment there would make "//evil.example/x" an authority. It stays a path.
     */
    @ParameterizedTest
    @CsvSource({
            "/chat//evil.example/x,   /evil.example/x",
            "/chat///evil.example/x,  /evil.example/x",
            "/chat/@evil.example/x,   /@evil.example/x"})
    void aBackendUrlWithoutPathKeepsItsAuthority(String target, String backendTarget) throws Exception {
        try (ScriptedBackend backend = ScriptedBackend.choosing("");
             ProxyServer proxy = ProxyServer.route("/chat/*", URI.create("ws://127.0.0.1:" + backend.port()))) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), target).send(proxy.port());
            assertEquals(101, response.status(), response.statusLine());
            ScriptedBackend.Request seen = backend.nextRequest();
            assertEquals("GET " + backendTarget + " HTTP/1.1", seen.requestLine());
            assertEquals(List.of("127.0.0.1:" + backend.port()), seen.headers().get("Host"));
        }
    }

    /**
     * Tomcat's connector relaxed the way an operator may relax it (encoded slashes and backslashes
     * decoded or passed through, backslash taken as a separator), so that more of the tricks get
     * past the container: wsproxy still refuses them, or the backend path, decoded once and
     * resolved as a lenient backend would (a backslash taken as '/'), stays below /echo.
     */
    @ParameterizedTest
    @ValueSource(strings = {"decode", "passthrough"})
    void aRelaxedContainerStillKeepsTheBackendPath(String handling) throws Exception {
        List<String> tricks = List.of("/chat/../x", "/chat/%2e%2e/x", "/chat/%2E%2E%2Fx", "/chat/%2f%2fevil.example/x",
                "/chat//evil.example/x", "/chat/..%5cx", "/chat/\\..\\x", "/chat/a%2F..%2F..%2Fsecret",
                "/chat/a%5c..%5c..%5csecret", "/chat/x%2f%2e%2e", "/chat/x%2f%2e%2e%2f%2e%2e", "/chat/%2f", "/chat/%5c",
                "/chat/%2e%2e%5c%2e%2e%5cx", "/chat/@evil.example", "/chat/%2f@evil.example");
        try (ScriptedBackend backend = ScriptedBackend.choosing("");
             ProxyServer proxy = ProxyServer.builder()
                     .connector("encodedSolidusHandling", handling)
                     .connector("encodedReverseSolidusHandling", handling)
                     .connector("allowBackslash", "true")
                     .param("wsproxy.route.r.path", "/chat/*").param("wsproxy.route.r.backend", backend.uri("/echo").toString())
                     .start()) {
            for (String target : tricks) {
                int connectionsBefore = backend.connections();
                RawHandshake.Response response = RawHandshake.to(proxy.port(), target).send(proxy.port());
                if (response.status() == 101) {
                    ScriptedBackend.Request seen = backend.nextRequest();
                    String path = seen.requestLine().split(" ")[1];
                    assertTrue(staysBelow(path, "echo"), target + " reached the backend as " + seen.requestLine());
                    assertEquals(List.of("127.0.0.1:" + backend.port()), seen.headers().get("Host"));
                } else {
                    assertTrue(response.status() == 400 || response.status() == 404, target + " answered " + response.statusLine());
                    assertEquals(connectionsBefore, backend.connections(), target + " opened a backend connection");
                }
            }
        }
    }

    /**
     * True if the request target's path, percent-decoded once (as the backend's container does)
     * and with its dot segments resolved, a backslash taken as a separator, is {@code /top} or below it.
     */
    private static boolean staysBelow(String target, String top) {
        String decoded = URI.create("http://backend" + target).getPath().replace('\\', '/');
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : decoded.split("/")) {
            if (segment.equals("..")) {
                if (segments.pollLast() == null) {
                    return false;
                }
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                segments.addLast(segment);
            }
        }
        return top.equals(segments.peekFirst());
    }

    /** The target for a message: a 9 KiB path shortened. */
    private static String shown(String target) {
        return target.length() > 80 ? target.substring(0, 40) + "... (" + target.length() + " characters)" : target;
    }
}
