package org.wsproxy.upstream;

import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Why a backend connection could not be opened, as the HTTP status the client gets, and whether
 * the backend itself failed (counted towards maxFails, and the next backend is tried) or answered
 * (its HTTP status is the client's answer).
 */
public final class BackendFailure extends Exception {

    private static final long serialVersionUID = 1L;

    /** Refused, unresolvable, reset, TLS failure: the gateway got no valid answer. */
    public static final int BAD_GATEWAY = 502;
    /** No handshake answer within connectTimeout. */
    public static final int GATEWAY_TIMEOUT = 504;

    private final int status;
    private final boolean backendFailed;
    /** The backend's answer's header fields when it refused the handshake, else empty. */
    private final transient Map<String, List<String>> headers;

    /**
     * @param backendFailed true when the backend could not be reached or did not answer in time, so
     *                      another backend may do better; false when it answered, or the fault is
     *                      the route's own (a trust store that cannot be loaded)
     */
    public BackendFailure(int status, String message, Throwable cause, boolean backendFailed) {
        this(status, message, cause, backendFailed, Map.of());
    }

    /** @param headers the header fields of the backend's refusal, which the client's answer carries on */
    public BackendFailure(int status, String message, Throwable cause, boolean backendFailed,
                          Map<String, List<String>> headers) {
        super(message, cause);
        this.status = status;
        this.backendFailed = backendFailed;
        this.headers = headers;
    }

    /** The header fields of the backend's refusal (case-insensitive names), empty when there was none. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** True when the backend failed: refused, unreachable, reset, TLS failed or timed out. */
    public boolean backendFailed() {
        return backendFailed;
    }

    /** @return the HTTP status to answer the client's handshake with */
    public int status() {
        return status;
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
    public static String tlsProblem(Throwable ssl, Optional<Path> trustStore) {
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

    public static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    public static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : " (" + t.getMessage() + ")");
    }
}
