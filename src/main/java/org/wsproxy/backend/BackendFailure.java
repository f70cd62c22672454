package org.wsproxy.backend;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
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
     * @param error   the exception from connectToServer
     * @param timeout true if the connect time budget was used up
     */
    static BackendFailure classify(Throwable error, boolean timeout) {
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
                return new BackendFailure(BAD_GATEWAY, "TLS handshake with backend failed: " + describe(t), error);
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
