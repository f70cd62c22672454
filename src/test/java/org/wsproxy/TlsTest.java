package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsproxy.server.RouteHandler;
import org.wsproxy.server.WsProxyInitializer;
import org.wsproxy.support.LogCapture;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.TestCertificates;
import org.wsproxy.support.TestCertificates.ServerCertificate;
import org.wsproxy.support.WsClient;

/**
 * TLS on both legs, for real on loopback: wss:// backends (a Tomcat TLS connector) checked with the
 * route's trust store and host name verification, and clients connecting over the container's own
 * TLS connector. Certificates are made by keytool for this test run.
 */
class TlsTest {

    @TempDir
    static Path keys;

    /** CN=localhost, valid for localhost and 127.0.0.1: what a correctly set up backend serves. */
    static ServerCertificate localhost;
    /** CN=other.example, valid for that name only: a certificate made for another host. */
    static ServerCertificate other;

    @BeforeAll
    static void certificates() {
        localhost = TestCertificates.selfSigned(keys, "localhost", "localhost", "dns:localhost,ip:127.0.0.1");
        other = TestCertificates.selfSigned(keys, "other", "other.example", "dns:other.example");
    }

    /** Route options that make the route trust exactly {@code certificate}. */
    private static String[] trusting(ServerCertificate certificate, String... more) {
        List<String> options = new ArrayList<>(List.of(
                "trustStore", certificate.trustStore().toString(),
                "trustStorePassword", TestCertificates.PASSWORD,
                "trustStoreType", TestCertificates.TYPE));
        options.addAll(List.of(more));
        return options.toArray(new String[0]);
    }

    private static void assertEchoes(WsClient client) throws InterruptedException {
        client.sendText("hello over TLS");
        assertEquals("hello over TLS", client.nextText());
        // Larger than a TLS record (16 KiB): many records each way, one message at each end.
        byte[] large = new byte[1024 * 1024 + 7];
        new Random(5).nextBytes(large);
        client.sendBinary(large);
        assertArrayEquals(large, client.nextBinary());
    }

    /**
     * Asserts that a client of route [r] at /chat gets 502, and returns the warning logged for it,
     * which names the route and the backend URL.
     */
    private static String badGatewayWarning(LogCapture log, ProxyServer proxy, URI backendUrl) throws Exception {
        assertEquals(502, WsClient.refusedStatus(proxy.ws("/chat"), Map.of()));
        String line = warning(log);
        assertTrue(line.contains("route [r]") && line.contains("[" + backendUrl + "]"), line);
        return line;
    }

    private static String warning(LogCapture log) {
        return log.messages().stream().filter(m -> m.startsWith("WARNING")).findFirst()
                .orElseThrow(() -> new AssertionError("no warning logged; got " + log.messages()));
    }

    @Test
    void wssBackendTrustedThroughTheRouteTrustStorePassesMessagesBothWays() throws Exception {
        try (TestBackend backend = TestBackend.startTls(localhost);
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo?greet=hi"), trusting(localhost));
             WsClient client = WsClient.connect(proxy.ws("/chat"))) {
            assertEquals("wss", backend.uri("/").getScheme());
            assertEquals("hi", client.nextText(), "the backend's first message, sent as it opened");
            assertEchoes(client);
            assertEquals("/echo", backend.nextHandshake().path());
            client.close(4000, "done");
            assertEquals(new WsClient.Close(4000, "done"), client.awaitClose(5));
            assertEquals(4000, backend.nextClose(5).getCloseCode().getCode());
        }
    }

    @Test
    void wssBackendWithoutTrustIs502AndTheLogSaysTheCertificateIsNotTrusted() throws Exception {
        try (LogCapture log = new LogCapture(RouteHandler.class.getName());
             TestBackend backend = TestBackend.startTls(localhost);
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"))) {
            String line = badGatewayWarning(log, proxy, backend.uri("/echo"));
            assertTrue(line.contains("certificate is not trusted"), line);
            assertTrue(line.contains("502"), line);
            assertTrue(backend.noHandshake(), "TLS failed before any HTTP request");
            assertEquals(0, proxy.awaitNoRelays(5));
        }
    }

    /** The usual mistake: a trust store, but not the one with the backend's certificate. */
    @Test
    void wssBackendWithTheWrongTrustStoreIs502AndTheLogSaysTheCertificateIsNotTrusted() throws Exception {
        try (LogCapture log = new LogCapture(RouteHandler.class.getName());
             TestBackend backend = TestBackend.startTls(localhost);
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"), trusting(other))) {
            String line = badGatewayWarning(log, proxy, backend.uri("/echo"));
            assertTrue(line.contains("certificate is not trusted"), line);
        }
    }

    /** A trust store that does not open with its password fails the deployment, without showing the password. */
    @Test
    void trustStoreWithTheWrongPasswordFailsDeployment() throws Exception {
        String password = "not-" + TestCertificates.PASSWORD;
        try (LogCapture log = new LogCapture(WsProxyInitializer.class.getName());
             TestBackend backend = TestBackend.startTls(localhost)) {
            assertThrows(IllegalStateException.class, () -> ProxyServer.route("/chat", backend.uri("/echo"),
                    "trustStore", localhost.trustStore().toString(), "trustStorePassword", password,
                    "trustStoreType", TestCertificates.TYPE).close());
            String all = String.join("\n", log.messages());
            assertTrue(all.contains("route [r]: parameter [wsproxy.route.r.trustStore] has value [" + localhost.trustStore() + "]"), all);
            assertTrue(all.contains("cannot be opened as a [PKCS12] trust store") && all.contains("password was incorrect"), all);
            assertTrue(log.messages().stream().noneMatch(m -> m.contains(password)), "the password is never logged");
            assertTrue(backend.noHandshake(), "no connection was attempted");
        }
    }

    @Test
    void certificateForAnotherHostIs502AndTheLogSaysItDoesNotMatch() throws Exception {
        try (LogCapture log = new LogCapture(RouteHandler.class.getName());
             TestBackend backend = TestBackend.startTls(other);
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"), trusting(other))) {
            String line = badGatewayWarning(log, proxy, backend.uri("/echo"));
            assertTrue(line.contains("certificate does not match the host of the backend URL"), line);
            assertTrue(line.contains("127.0.0.1"), "names the host it was checked against: " + line);
            assertTrue(backend.noHandshake(), "TLS failed before any HTTP request");
        }
    }

    @Test
    void expiredCertificateIs502AndTheLogSaysItHasExpired(@TempDir Path dir) throws Exception {
        ServerCertificate expired = TestCertificates.expired(dir, "expired", "localhost", "dns:localhost,ip:127.0.0.1");
        try (LogCapture log = new LogCapture(RouteHandler.class.getName());
             TestBackend backend = TestBackend.startTls(expired);
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"), trusting(expired))) {
            String line = badGatewayWarning(log, proxy, backend.uri("/echo"));
            assertTrue(line.contains("certificate, or one of its issuers, has expired (NotAfter: "), line);
        }
    }

    /** A wss:// URL for a port that speaks plain HTTP fails at once, not at connectTimeout. */
    @Test
    void wssRouteToAPlainBackendIs502() throws Exception {
        try (LogCapture log = new LogCapture(RouteHandler.class.getName());
             TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", URI.create("wss://127.0.0.1:" + backend.port() + "/echo"),
                     "connectTimeout", "30s")) {
            long start = System.nanoTime();
            assertEquals(502, WsClient.refusedStatus(proxy.ws("/chat"), Map.of()));
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "answered before connectTimeout");
            String line = warning(log);
            assertTrue(line.contains("route [r]") && line.contains("TLS handshake with backend failed"), line);
            assertTrue(backend.noHandshake(), "no HTTP request reached the backend");
        }
    }

    @Test
    void verifyHostnameFalseAcceptsATrustedCertificateForAnotherHost() throws Exception {
        try (TestBackend backend = TestBackend.startTls(other);
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"), trusting(other, "verifyHostname", "false"));
             WsClient client = WsClient.connect(proxy.ws("/chat"))) {
            assertEchoes(client);
        }
    }

    /** Both legs over TLS at once; the backend learns that the client came over https. */
    /** A proxy with a TLS connector and route [r] at /chat to {@code backend}'s /echo, trusting localhost. */
    private static ProxyServer tlsProxyTo(TestBackend backend) {
        return ProxyServer.builder().tls(localhost)
                .param("wsproxy.route.r.path", "/chat")
                .param("wsproxy.route.r.backend", backend.uri("/echo").toString())
                .param("wsproxy.route.r.trustStore", localhost.trustStore().toString())
                .param("wsproxy.route.r.trustStorePassword", TestCertificates.PASSWORD)
                .param("wsproxy.route.r.trustStoreType", TestCertificates.TYPE)
                .start();
    }

    @Test
    void clientOverWssThroughTheContainerTlsConnector() throws Exception {
        try (TestBackend backend = TestBackend.startTls(localhost);
             ProxyServer proxy = tlsProxyTo(backend);
             WsClient client = WsClient.connect(proxy.ws("/chat"), localhost.clientContext())) {
            assertEquals("wss", proxy.ws("/chat").getScheme());
            assertEchoes(client);
            TestBackend.Handshake seen = backend.nextHandshake();
            assertEquals("https", seen.header("X-Forwarded-Proto"));
            assertEquals(String.valueOf(proxy.port()), seen.header("X-Forwarded-Port"));
            client.close(1000, "bye");
            assertEquals(new WsClient.Close(1000, "bye"), client.awaitClose(5));
        }
    }

    /**
     * Several 1 MiB messages in a row over TLS on both legs, through the container's TLS connector,
     * where Tomcat reads and decrypts the client in its dispatches. A reader paused for backpressure
     * and resumed while its dispatch was still reading must read on until Tomcat has nothing more:
     * Tomcat's TLS channel holds bytes already read from the socket, which no poll announces. When
     * it returned instead, the end of a message stayed there until the client sent something else
     * (3 to 5 of 8 runs of three such echoes stalled on the frame engine).
     */
    @Test
    void largeMessagesInARowThroughTheContainerTlsConnector() throws Exception {
        try (TestBackend backend = TestBackend.startTls(localhost);
             ProxyServer proxy = tlsProxyTo(backend);
             WsClient client = WsClient.connect(proxy.ws("/chat"), localhost.clientContext())) {
            for (int i = 0; i < 5; i++) {
                byte[] large = new byte[1024 * 1024 + i];
                new Random(40 + i).nextBytes(large);
                client.sendBinary(large);
                assertArrayEquals(large, client.nextBinary(), "message " + i);
            }
        }
    }
}
