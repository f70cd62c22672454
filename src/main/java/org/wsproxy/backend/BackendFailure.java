package org.wsproxy.backend;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import org.glassfish.tyrus.core.HandshakeException;

/**
 * Why a backend connection could not be opened, as the HTTP status the client gets.
 */
public final class BackendFailure extends Exception {

    private static final long serialVersionUID = 1L;

    /** Refused, unresolvable, reset, TLS failure: the gateway got no valid answer. */
    public static final int BAD_GATEWAY = 502;
    /** No handshake answer within connectTimeout. */
    public static final int GATEWAY_TIMEOUT = 504;

    private final int status;

    BackendFailure(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** @return the HTTP status to answer the client's handshake with */
    public int status() {
        return status;
    }

    /**
     * Classifies what the Tyrus client threw.
     *
     * @param error      the exception from connectToServer
     * @param timeout    true if the connect time budget was used up
     * @param trustStore the route's trustStore, named when the backend's certificate is not trusted
     */
    static BackendFailure classify(Throwable error, boolean timeout, Optional<Path> trustStore) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof HandshakeException he && he.getHttpStatusCode() >= 300) {
                return new BackendFailure(he.getHttpStatusCode(), "backend answered the handshake with HTTP "
                        + he.getHttpStatusCode(), error);
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof UnresolvedAddressException || t instanceof NoRouteToHostException) {
                return new BackendFailure(BAD_GATEWAY, "backend unreachable: " + describe(t), error);
            }
            if (t instanceof SSLException) {
                return new BackendFailure(BAD_GATEWAY, "TLS handshake with backend failed: " + tlsProblem(t, trustStore), error);
            }
            if (t instanceof TimeoutException) {
                return new BackendFailure(GATEWAY_TIMEOUT, "backend did not answer in time", error);
            }
        }
        String message = String.valueOf(error.getMessage());
        if (timeout || message.contains("Handshake response not received")) {
            return new BackendFailure(GATEWAY_TIMEOUT, "backend did not finish its handshake within connectTimeout", error);
        }
        return new BackendFailure(BAD_GATEWAY, "backend connection failed: " + describe(rootCause(error)), error);
    }

    /**
     * What a failed TLS handshake means, in words. JSSE's own message for the two usual mistakes
     * names neither the certificate nor the fix ("PKIX path building failed:
     * sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification
     * path to requested target"), so they are recognised by the causes JSSE chains under its
     * SSLHandshakeException:
     * <ul>
     * <li>not trusted: a {@link CertPathBuilderException} (no chain to a trusted certificate) or a
     *     {@link CertPathValidatorException} (a chain, but expired, revoked, too weak ...; expired
     *     is said in words, as it is the usual one);</li>
     * <li>issued for another host: a plain {@link CertificateException} from the host name check
     *     (verifyHostname), "No subject alternative DNS name matching localhost found." and the
     *     like. JSSE has no type of its own for it; the trust failures above are subclasses
     *     (sun.security.validator.ValidatorException) or carry a cause.</li>
     * </ul>
     * Anything else (a protocol or cipher mismatch, a client certificate demanded) keeps JSSE's words.
     */
    private static String tlsProblem(Throwable ssl, Optional<Path> trustStore) {
        for (Throwable t = ssl; t != null; t = t.getCause()) {
            if (t instanceof CertPathBuilderException) {
                String store = trustStore.map(path -> "trustStore [" + path + "]").orElse(
                        "the JVM's default trust store (javax.net.ssl.trustStore, else the JDK's cacerts; the route sets no trustStore)");
                return "the backend's certificate is not trusted: " + store + " holds neither it nor a CA that issued it";
            }
            if (t instanceof CertPathValidatorException) {
                Throwable reason = rootCause(t);
                if (reason instanceof CertificateExpiredException || reason instanceof CertificateNotYetValidException) {
                    String when = reason instanceof CertificateExpiredException ? "has expired" : "is not yet valid";
                    return "the backend's certificate, or one of its issuers, " + when + " (" + reason.getMessage() + ")";
                }
                return "the backend's certificate is not trusted: " + describe(reason);
            }
            if (t.getClass() == CertificateException.class && t.getCause() == null) {
                return "the backend's certificate does not match the host of the backend URL (" + t.getMessage() + ")";
            }
        }
        return describe(ssl);
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : " (" + t.getMessage() + ")");
    }
}
