package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wsproxy.server.RouteHandler;
import org.wsproxy.server.WsProxyInitializer;
import org.wsproxy.support.LogCapture;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.RawHandshake;
import org.wsproxy.support.ScriptedBackend;
import org.wsproxy.support.TestBackend;

/**
 * The trustedProxies option: whose X-Forwarded-For names the client, and whose X-Forwarded-Proto,
 * -Host and -Port reach the backend. The tests connect from 127.0.0.1, so that is the peer a
 * route trusts or not.
 *
 * <p>Each proxy has two routes with the same options: {@code /chat} to a test backend, to see the
 * headers it gets, and {@code /down} to a port where nothing listens, whose 502 is logged with the
 * client address.
 */
class TrustedProxiesTest {

    // --- Whom the log names as the client -------------------------------------------------------

    /** Without the option, or when the peer is not in it, the peer is the client, whatever X-Forwarded-For says. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                 | 203.0.113.9",
            "10.0.0.0/8, ::1    | 203.0.113.9",
            "''                 | 127.0.0.2"})
    void anUntrustedPeersForwardedForIsNotBelieved(String trustedProxies, String forged) throws Exception {
        assertEquals("127.0.0.1", clientLogged(trustedProxies, List.of(forged)));
    }

    /**
     * From a trusted peer, X-Forwarded-For is read from the right: the first address that is not a
     * trusted proxy is the client. An entry that is not an address ends the walk at the last
     * address reached; when every entry is trusted, the left-most is the client.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1                | 203.0.113.9, 198.51.100.7             | 198.51.100.7",
            "127.0.0.0/8, 10.0.0.0/8  | 203.0.113.9, 10.1.2.3                 | 203.0.113.9",
            "127.0.0.0/8, 10.0.0.0/8  | 198.51.100.1, 203.0.113.9, 10.1.2.3   | 203.0.113.9",
            "127.0.0.0/8, 10.0.0.0/8  | 10.0.0.5, 10.1.2.3                    | 10.0.0.5",
            "127.0.0.0/8, 10.0.0.0/8  | 203.0.113.9, unknown, 10.1.2.3        | 10.1.2.3",
            "127.0.0.1                | garbage                               | 127.0.0.1",
            "127.0.0.1                | 203.0.113.9:5555                      | 127.0.0.1",
            "127.0.0.1                | 203.0.113.9,                          | 127.0.0.1",
            "127.0.0.1                | evil.example                          | 127.0.0.1",
            "127.0.0.1                | 2001:db8::7                           | 2001:db8::7",
            "127.0.0.1, 2001:db8::/32 | 203.0.113.9, 2001:db8::7              | 203.0.113.9"})
    void aTrustedPeersForwardedForNamesTheClient(String trustedProxies, String forwardedFor, String client) throws Exception {
        assertEquals(client, clientLogged(trustedProxies, List.of(forwardedFor)));
    }

    /** No X-Forwarded-For from a trusted peer: the peer itself is the client. */
    @Test
    void aTrustedPeerWithoutForwardedForIsTheClient() throws Exception {
        assertEquals("127.0.0.1", clientLogged("127.0.0.1", List.of()));
    }

    /** Two X-Forwarded-For lines are one list, in order (RFC 9110 section 5.3). */
    @Test
    void forwardedForOnTwoLinesIsOneChain() throws Exception {
        assertEquals("203.0.113.9", clientLogged("127.0.0.0/8, 10.0.0.0/8", List.of("198.51.100.1, 203.0.113.9", "10.1.2.3")));
    }

    // --- What the backend gets ------------------------------------------------------------------

    /** The peer is not trusted: its chain is appended to, and its -Proto, -Host and -Port replaced. */
    @Test
    void anUntrustedPeersForwardedHeadersAreReplacedAndTheChainAppended() throws Exception {
        try (TestBackend backend = TestBackend.start(); ProxyServer proxy = proxy(backend, "10.0.0.0/8")) {
            TestBackend.Handshake seen = handshake(proxy, backend);
            assertAll(
                    () -> assertEquals(List.of("203.0.113.9, 10.1.2.3, 127.0.0.1"), seen.headers().get("X-Forwarded-For")),
                    () -> assertEquals(List.of("http"), seen.headers().get("X-Forwarded-Proto")),
                    () -> assertEquals(List.of("127.0.0.1:" + proxy.port()), seen.headers().get("X-Forwarded-Host")),
                    () -> assertEquals(List.of(Integer.toString(proxy.port())), seen.headers().get("X-Forwarded-Port")));
        }
    }

    /**
     * The peer is a trusted proxy that terminated TLS for the client: its chain is appended to,
     * and its -Proto, -Host and -Port describe the client's connection, so they pass unchanged.
     */
    @Test
    void aTrustedPeersForwardedHeadersPassUnchangedAndTheChainIsAppended() throws Exception {
        try (TestBackend backend = TestBackend.start(); ProxyServer proxy = proxy(backend, "127.0.0.1")) {
            TestBackend.Handshake seen = handshake(proxy, backend);
            assertAll(
                    () -> assertEquals(List.of("203.0.113.9, 10.1.2.3, 127.0.0.1"), seen.headers().get("X-Forwarded-For")),
                    () -> assertEquals(List.of("https"), seen.headers().get("X-Forwarded-Proto")),
                    () -> assertEquals(List.of("app.example"), seen.headers().get("X-Forwarded-Host")),
                    () -> assertEquals(List.of("443"), seen.headers().get("X-Forwarded-Port")),
                    () -> assertEquals(List.of("127.0.0.1:" + backend.port()), seen.headers().get("Host")));
        }
    }

    /**
     * A trusted peer that says only how the client connected (nginx's usual X-Forwarded-Proto):
     * the Host it forwarded stands for -Host, and no port is made up beside its https.
     */
    @Test
    void aTrustedPeerSendingOnlyProtoGetsNoPortOfOurs() throws Exception {
        try (TestBackend backend = TestBackend.start(); ProxyServer proxy = proxy(backend, "127.0.0.1")) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat")
                    .set("Host", "app.example").add("X-Forwarded-For", "203.0.113.9").add("X-Forwarded-Proto", "https")
                    .send(proxy.port());
            assertEquals(101, response.status(), response.statusLine());
            TestBackend.Handshake seen = backend.nextHandshake();
            assertAll(
                    () -> assertEquals(List.of("203.0.113.9, 127.0.0.1"), seen.headers().get("X-Forwarded-For")),
                    () -> assertEquals(List.of("https"), seen.headers().get("X-Forwarded-Proto")),
                    () -> assertEquals(List.of("app.example"), seen.headers().get("X-Forwarded-Host")),
                    () -> assertNull(seen.header("X-Forwarded-Port")));
        }
    }

    /** A trusted peer that sends no X-Forwarded headers: the backend gets wsproxy's own, as from any client. */
    @Test
    void aTrustedPeerWithoutForwardedHeadersGetsOurs() throws Exception {
        try (TestBackend backend = TestBackend.start(); ProxyServer proxy = proxy(backend, "127.0.0.1")) {
            RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat").send(proxy.port());
            assertEquals(101, response.status(), response.statusLine());
            TestBackend.Handshake seen = backend.nextHandshake();
            assertAll(
                    () -> assertEquals(List.of("127.0.0.1"), seen.headers().get("X-Forwarded-For")),
                    () -> assertEquals(List.of("http"), seen.headers().get("X-Forwarded-Proto")),
                    () -> assertEquals(List.of("127.0.0.1:" + proxy.port()), seen.headers().get("X-Forwarded-Host")),
                    () -> assertEquals(List.of(Integer.toString(proxy.port())), seen.headers().get("X-Forwarded-Port")));
        }
    }

    // --- Deployment -----------------------------------------------------------------------------

    /** A value that is not addresses fails the deployment with the parameter and the value; names are never looked up. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.0.0.0/33 | [10.0.0.0/33]: the prefix length must be from 0 to 32",
            "not-an-ip   | [not-an-ip]: host names are not allowed",
            "localhost   | [localhost]: host names are not allowed"})
    void aBadValueFailsDeployment(String value, String problem) throws Exception {
        try (LogCapture log = new LogCapture(WsProxyInitializer.class.getName());
             TestBackend backend = TestBackend.start()) {
            assertThrows(IllegalStateException.class,
                    () -> ProxyServer.route("/chat", backend.uri("/echo"), "trustedProxies", value).close());
            String all = String.join("\n", log.messages());
            assertTrue(all.contains("route [r]: parameter [wsproxy.route.r.trustedProxies] has value [" + value + "], "
                    + "expected a comma-separated list of IP addresses or CIDR blocks"), all);
            assertTrue(all.contains(problem), all);
            assertTrue(backend.noHandshake());
        }
    }

    // --- Helpers --------------------------------------------------------------------------------

    /**
     * A proxy whose routes /chat (to {@code backend}) and /down (to a closed port) trust
     * {@code trustedProxies}, set as the default of every route.
     */
    private static ProxyServer proxy(TestBackend backend, String trustedProxies) throws Exception {
        return ProxyServer.builder()
                .param("wsproxy.trustedProxies", trustedProxies)
                .param("wsproxy.route.chat.path", "/chat")
                .param("wsproxy.route.chat.backend", backend.uri("/echo").toString())
                .param("wsproxy.route.down.path", "/down")
                .param("wsproxy.route.down.backend", "ws://127.0.0.1:" + ScriptedBackend.unusedPort() + "/echo")
                .start();
    }

    /** The backend's handshake for a client that claims to be behind two proxies, the outer one on https. */
    private static TestBackend.Handshake handshake(ProxyServer proxy, TestBackend backend) throws Exception {
        RawHandshake.Response response = RawHandshake.to(proxy.port(), "/chat")
                .add("X-Forwarded-For", "203.0.113.9, 10.1.2.3")
                .add("X-Forwarded-Proto", "https")
                .add("X-Forwarded-Host", "app.example")
                .add("X-Forwarded-Port", "443")
                .send(proxy.port());
        assertEquals(101, response.status(), response.statusLine());
        return backend.nextHandshake();
    }

    /** The client address in the 502 warning of a handshake to /down with these X-Forwarded-For lines. */
    private static String clientLogged(String trustedProxies, List<String> forwardedFor) throws Exception {
        try (LogCapture log = new LogCapture(RouteHandler.class.getName());
             TestBackend backend = TestBackend.start();
             ProxyServer proxy = proxy(backend, trustedProxies)) {
            RawHandshake request = RawHandshake.to(proxy.port(), "/down");
            forwardedFor.forEach(line -> request.add("X-Forwarded-For", line));
            RawHandshake.Response response = request.send(proxy.port());
            assertEquals(502, response.status(), response.statusLine());
            String warning = log.messages().stream().filter(m -> m.startsWith("WARNING")).findFirst()
                    .orElseThrow(() -> new AssertionError("no warning logged; got " + log.messages()));
            assertTrue(warning.startsWith("WARNING route [down]: client ["), warning);
            String client = warning.substring(warning.indexOf("client [") + 8, warning.indexOf("]: backend"));
            assertFalse(client.isEmpty(), warning);
            return client;
        }
    }
}
