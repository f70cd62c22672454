package org.wsproxy.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Server certificates for TLS tests (self-signed, or issued by a test CA), made by the JDK's own {@code keytool} (run as a
 * process, as an administrator would) into a folder the test owns: no key material is checked in,
 * and nothing outlives the test.
 */
public final class TestCertificates {

    /** Password of every key store made here (PKCS12 keeps key and store passwords equal). */
    public static final String PASSWORD = "changeit";
    public static final String TYPE = "PKCS12";

    /** Longest a keytool run may take, in seconds (a JVM start and one key pair: about a second). */
    private static final long KEYTOOL_SECONDS = 60;

    /**
     * A server's certificate.
     *
     * @param keyStore   PKCS12 with the private key and its certificate chain, alias "server": for
     *                   the server's TLS connector
     * @param trustStore PKCS12 with one trusted entry, the certificate itself or the CA that issued
     *                   it: for the clients
     */
    public record ServerCertificate(Path keyStore, Path trustStore) {

        /** A client TLS context that trusts what {@link #trustStore} holds and nothing else. */
        public SSLContext clientContext() {
            try (InputStream in = Files.newInputStream(trustStore)) {
                KeyStore trust = KeyStore.getInstance(TYPE);
                trust.load(in, PASSWORD.toCharArray());
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(trust);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, factory.getTrustManagers(), null);
                return context;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot load trust store " + trustStore, e);
            }
        }

        /** A server TLS context with the key and certificate of {@link #keyStore}. */
        public SSLContext serverContext() {
            try (InputStream in = Files.newInputStream(keyStore)) {
                KeyStore keys = KeyStore.getInstance(TYPE);
                keys.load(in, PASSWORD.toCharArray());
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(keys, PASSWORD.toCharArray());
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(factory.getKeyManagers(), null, null);
                return context;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot load key store " + keyStore, e);
            }
        }

        /**
         * The key and certificate chain as PEM files beside the key store ({@code <stem>.key.pem},
         * {@code <stem>.crt.pem}), for servers that are not JVMs (Python's ssl module).
         *
         * @return the certificate chain file and the key file, in that order
         */
        public List<Path> pemFiles() {
            try (InputStream in = Files.newInputStream(keyStore)) {
                KeyStore store = KeyStore.getInstance(TYPE);
                store.load(in, PASSWORD.toCharArray());
                String stem = keyStore.getFileName().toString().replaceFirst("\\.p12$", "");
                Path key = keyStore.resolveSibling(stem + ".key.pem");
                Path chain = keyStore.resolveSibling(stem + ".crt.pem");
                Files.writeString(key, pem("PRIVATE KEY", store.getKey("server", PASSWORD.toCharArray()).getEncoded()));
                StringBuilder certificates = new StringBuilder();
                for (java.security.cert.Certificate certificate : store.getCertificateChain("server")) {
                    certificates.append(pem("CERTIFICATE", certificate.getEncoded()));
                }
                Files.writeString(chain, certificates);
                return List.of(chain, key);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot write PEM files of " + keyStore, e);
            }
        }

        private static String pem(String type, byte[] der) {
            return "-----BEGIN " + type + "-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                    + "\n-----END " + type + "-----\n";
        }
    }

    private TestCertificates() {
    }

    /**
     * Makes a key pair and a self-signed certificate valid for two days; the trust store holds
     * that certificate itself.
     *
     * @param dir  where the key stores go ({@code <name>.p12} and {@code <name>-trust.p12})
     * @param name a file name stem
     * @param cn   the subject's common name, e.g. "localhost"
     * @param san  keytool's subject alternative names, e.g. "dns:localhost,ip:127.0.0.1"
     */
    public static ServerCertificate selfSigned(Path dir, String name, String cn, String san) {
        Path keyStore = dir.resolve(name + ".p12");
        Path certificate = dir.resolve(name + ".pem");
        Path trustStore = dir.resolve(name + "-trust.p12");
        keytool(dir, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + cn, "-ext", "SAN=" + san, "-validity", "2",
                "-keystore", keyStore.toString(), "-storetype", TYPE, "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool(dir, "-exportcert", "-rfc", "-alias", "server", "-file", certificate.toString(),
                "-keystore", keyStore.toString(), "-storetype", TYPE, "-storepass", PASSWORD);
        keytool(dir, "-importcert", "-noprompt", "-alias", "server", "-file", certificate.toString(),
                "-keystore", trustStore.toString(), "-storetype", TYPE, "-storepass", PASSWORD);
        return new ServerCertificate(keyStore, trustStore);
    }

    /**
     * Makes a certificate that expired eight days ago (valid for two days from ten days ago),
     * issued by a test CA; the trust store holds the CA. (A self-signed certificate would not do:
     * JSSE does not check the validity dates of a certificate it trusts directly.)
     *
     * @see #selfSigned(Path, String, String, String) for the parameters
     */
    public static ServerCertificate expired(Path dir, String name, String cn, String san) {
        Path caStore = dir.resolve(name + "-ca.p12");
        Path caCertificate = dir.resolve(name + "-ca.pem");
        Path keyStore = dir.resolve(name + ".p12");
        Path request = dir.resolve(name + ".csr");
        Path certificate = dir.resolve(name + ".pem");
        Path trustStore = dir.resolve(name + "-trust.p12");
        keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=wsproxy test CA", "-ext", "bc:c", "-validity", "30",
                "-keystore", caStore.toString(), "-storetype", TYPE, "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-file", caCertificate.toString(),
                "-keystore", caStore.toString(), "-storetype", TYPE, "-storepass", PASSWORD);
        keytool(dir, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + cn, "-keystore", keyStore.toString(), "-storetype", TYPE, "-storepass", PASSWORD,
                "-keypass", PASSWORD);
        keytool(dir, "-certreq", "-alias", "server", "-file", request.toString(),
                "-keystore", keyStore.toString(), "-storetype", TYPE, "-storepass", PASSWORD);
        keytool(dir, "-gencert", "-rfc", "-alias", "ca", "-infile", request.toString(), "-outfile", certificate.toString(),
                "-startdate", "-10d", "-validity", "2", "-ext", "SAN=" + san,
                "-keystore", caStore.toString(), "-storetype", TYPE, "-storepass", PASSWORD);
        // The CA first, so that keytool accepts the issued certificate as the reply to the request.
        keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", caCertificate.toString(),
                "-keystore", keyStore.toString(), "-storetype", TYPE, "-storepass", PASSWORD);
        keytool(dir, "-importcert", "-noprompt", "-alias", "server", "-file", certificate.toString(),
                "-keystore", keyStore.toString(), "-storetype", TYPE, "-storepass", PASSWORD);
        keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", caCertificate.toString(),
                "-keystore", trustStore.toString(), "-storetype", TYPE, "-storepass", PASSWORD);
        return new ServerCertificate(keyStore, trustStore);
    }

    private static void keytool(Path dir, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        try {
            // Output to a file, not a pipe: a pipe nobody reads while waiting could block keytool.
            Path log = Files.createTempFile(dir, "keytool", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            process.getOutputStream().close();
            boolean ended = process.waitFor(KEYTOOL_SECONDS, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool did not finish within " + KEYTOOL_SECONDS + " s: " + command);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool exited with " + process.exitValue() + ": " + command + "\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run keytool: " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
