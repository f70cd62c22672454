package org.wsproxy.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.Random;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/**
 * TLS on both legs in GlassFish 7: the tests of {@link TomcatTlsIT}, and a client on the plain
 * {@code /echo} route of {@link GlassFishIT}, all through GlassFish's own TLS listener:
 * http-listener-2, TLS out of the box with the domain's self-signed certificate "s1as" (bound to
 * 127.0.0.1 by src/test/resources/it/glassfish/deploy.sh). wsproxy needs no setting for it.
 * <p>
 * The routes to wss:// backends are those of deploy-examples/tomcat/tls/wsproxy.xml, set on
 * wsproxy.war with {@code asadmin set-web-context-param} by deploy.sh: the trust store is the build's
 * trust.p12, by its absolute path; GlassFish's own trust store (the domain's cacerts.jks, the JVM's
 * default there) does not hold the backends' certificates.
 * <p>
 * s1as is made for the machine's host name, not for 127.0.0.1, so the client pins that very
 * certificate (read from the domain's keystore.jks) instead of checking a host name.
 */
class GlassFishTlsIT extends TomcatTlsIT {

    /** Longest wait for one step (a handshake, a message, a close). */
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** The domain's key store and its password (GlassFish's default master password). */
    private static final String KEYSTORE_PASSWORD = "changeit";

    private static final Deployment GLASSFISH = Deployment.glassFishTls();

    /** The backend of the plain ws:// route {@code /echo}; TomcatTlsIT starts the wss:// ones. */
    private static TestBackend echoBackend;
    private static SSLContext pinnedToS1as;

    @BeforeAll
    static void start() throws Exception {
        GlassFishIT.deployed();
        pinnedToS1as = pinning(s1as(Path.of(Deployment.property("it.glassfish.keystore"))));
        echoBackend = TestBackend.start(Deployment.backendPort());
    }

    @AfterAll
    static void stop() {
        if (echoBackend != null) {
            echoBackend.close();
        }
    }

    @Override
    Deployment deployment() {
        return GLASSFISH;
    }

    @Override
    SSLContext clientTls() {
        return pinnedToS1as;
    }

    /**
     * Not GlassFish's: in some runs on a loaded machine it writes none of the applications' records
     * to server.log (the file ends after the domain's start-up lines). The 502s are still checked
     * here; the log's wording is checked on Tomcat (TomcatTlsIT), from the same product code.
     */
    @Override
    boolean logIsReliable() {
        return false;
    }

    @Test
    void clientOverWssThroughHttpListener2() throws Exception {
        try (WsClient client = WsClient.connect(GLASSFISH.wss("/echo"), pinnedToS1as)) {
            TestBackend.Handshake seen = echoBackend.nextHandshake();
            assertEquals("https", seen.header("X-Forwarded-Proto"), () -> "backend handshake headers: " + seen.headers());
            assertEquals(String.valueOf(GLASSFISH.port()), seen.header("X-Forwarded-Port"));

            client.sendText("hello over GlassFish's TLS listener");
            assertEquals("hello over GlassFish's TLS listener", client.nextText(WAIT));
            byte[] large = new byte[1024 * 1024 + 7];
            new Random(11).nextBytes(large);
            client.sendBinary(large);
            assertArrayEquals(large, client.nextBinary(WAIT));

            client.close(4000, "done over TLS");
            assertEquals(new WsClient.Close(4000, "done over TLS"), client.awaitClose(WAIT.toSeconds()));
        }
    }

    private static X509Certificate s1as(Path keyStore) throws Exception {
        KeyStore store = KeyStore.getInstance("JKS");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, KEYSTORE_PASSWORD.toCharArray());
        }
        if (!(store.getCertificate("s1as") instanceof X509Certificate certificate)) {
            throw new IllegalStateException(keyStore + " has no certificate s1as; aliases: " + Collections.list(store.aliases()));
        }
        return certificate;
    }

    /** A client TLS context that accepts exactly {@code expected} as the server's certificate. */
    private static SSLContext pinning(X509Certificate expected) throws Exception {
        TrustManager pin = new X509ExtendedTrustManager() {
            private void check(X509Certificate[] chain) throws CertificateException {
                if (chain == null || chain.length == 0 || !chain[0].equals(expected)) {
                    throw new CertificateException("expected GlassFish's s1as certificate ["
                            + expected.getSubjectX500Principal() + "], got ["
                            + (chain == null || chain.length == 0 ? "none" : chain[0].getSubjectX500Principal()) + "]");
                }
                chain[0].checkValidity();
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
                check(chain);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
                check(chain);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                check(chain);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
                throw new CertificateException("a client-side trust manager");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
                throw new CertificateException("a client-side trust manager");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("a client-side trust manager");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[] {expected};
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {pin}, null);
        return context;
    }
}
