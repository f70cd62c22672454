package org.wsproxy.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.TestCertificates.ServerCertificate;
import org.wsproxy.support.WsClient;

/**
 * TLS on both legs in a real Tomcat 10.1 whose only connector is a TLS one (Cargo execution
 * tomcat-tls-start in pom.xml): clients connect with wss:// through that connector, and the routes of
 * deploy-examples/tomcat/tls/wsproxy.xml lead to wss:// backends, trusted through the trust store
 * given as route options from outside the WAR. The key stores were made by keytool during the build
 * (execution it-key-stores); this class starts the two wss:// backends on the ports the routes name:
 * one with a certificate for 127.0.0.1, one with a certificate for other.example.
 * <p>
 * {@link GlassFishTlsIT} runs the same tests in GlassFish 7, through its TLS listener, with the same
 * routes set by src/test/resources/it/glassfish/deploy.sh.
 */
class TomcatTlsIT {

    /** Longest wait for one step (a handshake, a message, a log line). */
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** CN=localhost, for localhost and 127.0.0.1; also the certificate of Tomcat's TLS connector. */
    private static ServerCertificate localhost;
    /** CN=other.example, for that name only. */
    private static ServerCertificate otherHost;
    /** Trusts both certificates and nothing else: the tests' client trusts what Tomcat's routes trust. */
    private static SSLContext clientTls;
    private static TestBackend backend;
    private static TestBackend otherHostBackend;

    @BeforeAll
    static void startBackends() {
        Path dir = Deployment.tlsDir();
        localhost = new ServerCertificate(dir.resolve("localhost.p12"), dir.resolve("trust.p12"));
        otherHost = new ServerCertificate(dir.resolve("other.p12"), dir.resolve("trust.p12"));
        clientTls = localhost.clientContext();
        backend = TestBackend.startTls(Deployment.tlsBackendPort(), localhost);
        otherHostBackend = TestBackend.startTls(Deployment.otherHostBackendPort(), otherHost);
    }

    @AfterAll
    static void stopBackends() {
        if (backend != null) {
            backend.close();
        }
        if (otherHostBackend != null) {
            otherHostBackend.close();
        }
    }

    /** The container under test, through a TLS port, with the routes of deploy-examples/tomcat/tls/wsproxy.xml. */
    Deployment deployment() {
        return Deployment.tomcatTls();
    }

    /** What the tests' client trusts as the container's certificate. */
    SSLContext clientTls() {
        return clientTls;
    }

    /**
     * The container's log entry that contains each of {@code parts} (why a route answered 502), its
     * level included, waiting up to {@link #WAIT} for it. In Tomcat's log that is one line.
     */
    String awaitLogEntry(String... parts) throws Exception {
        return deployment().awaitLogLine(WAIT, parts);
    }

    /** Plumbing: the connector speaks TLS with the build's certificate, and the WAR answers through it. */
    @Test
    void warAnswersOverHttps() throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(clientTls()).connectTimeout(WAIT).build();
        HttpResponse<String> index = https.send(HttpRequest.newBuilder(deployment().https("/")).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, index.statusCode(), index::body);
        assertTrue(index.body().contains("(route <code>secure</code>, engine <code>"), index.body());
    }

    /**
     * wss:// from the client to the container, wss:// from wsproxy to the backend, the backend's certificate
     * checked against trust.p12 and against 127.0.0.1, the host of its URL; the backend learns that
     * the client came over https.
     */
    @Test
    void clientOverWssToATrustedWssBackend() throws Exception {
        try (WsClient client = WsClient.connect(deployment().wss("/secure"), clientTls())) {
            TestBackend.Handshake seen = backend.nextHandshake();
            assertEquals("/echo", seen.path());
            assertEquals("https", seen.header("X-Forwarded-Proto"));
            assertEquals(String.valueOf(deployment().port()), seen.header("X-Forwarded-Port"));

            client.sendText("hello over TLS, both legs");
            assertEquals("hello over TLS, both legs", client.nextText(WAIT));
            // Larger than a TLS record (16 KiB): many records each way on both legs.
            byte[] large = new byte[1024 * 1024 + 7];
            new Random(7).nextBytes(large);
            client.sendBinary(large);
            assertArrayEquals(large, client.nextBinary(WAIT));

            client.close(4000, "done over TLS");
            assertEquals(new WsClient.Close(4000, "done over TLS"), client.awaitClose(WAIT.toSeconds()));
            assertEquals(4000, backend.nextClose(WAIT.toSeconds()).getCloseCode().getCode());
        }
    }

    /**
     * Whether this container's log can be read for the reason of a 502. Tomcat's console output
     * (captured by Cargo) always can; the wording is the product's and the same everywhere.
     */
    boolean logIsReliable() {
        return true;
    }

    /** The route has no trust store, and the JVM's default one does not hold the backend's certificate. */
    @Test
    void untrustedBackendIs502AndTheLogSaysTheCertificateIsNotTrusted() throws Exception {
        assertEquals(502, refusal("/untrusted").status);
        if (logIsReliable()) {
            String line = awaitLogEntry("route [untrusted]", "certificate is not trusted");
            assertTrue(line.contains("WARNING") && line.contains("[wss://127.0.0.1:" + Deployment.tlsBackendPort() + "/echo]")
                    && line.contains("502"), line);
        }
    }

    /** Trusted, but made for other.example, not 127.0.0.1: verifyHostname (on by default) refuses it. */
    @Test
    void certificateForAnotherHostIs502AndTheLogSaysItDoesNotMatch() throws Exception {
        assertEquals(502, refusal("/otherhost").status);
        if (logIsReliable()) {
            String line = awaitLogEntry("route [otherhost]", "certificate does not match the host of the backend URL");
            assertTrue(line.contains("WARNING") && line.contains("127.0.0.1") && line.contains("502"), line);
        }
    }

    /** The same backend through a route with verifyHostname=false: trusted is enough. */
    @Test
    void certificateForAnotherHostIsAcceptedWithVerifyHostnameFalse() throws Exception {
        try (WsClient client = WsClient.connect(deployment().wss("/otherhost-unverified"), clientTls())) {
            assertEquals("/echo", otherHostBackend.nextHandshake().path());
            client.sendText("any host will do");
            assertEquals("any host will do", client.nextText(WAIT));
        }
    }

    private WsClient.Refused refusal(String path) {
        return assertThrows(WsClient.Refused.class, () -> WsClient.connect(deployment().wss(path), clientTls()).close(),
                () -> "the handshake on " + path + " was accepted");
    }
}
