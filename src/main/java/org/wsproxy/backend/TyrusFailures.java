package org.wsproxy.backend;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import org.glassfish.tyrus.core.HandshakeException;
import org.wsproxy.upstream.BackendFailure;

/** What the Tyrus client's exceptions mean as a {@link BackendFailure}. */
final class TyrusFailures {

    private TyrusFailures() {
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
                        + he.getHttpStatusCode(), error, false);
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof UnresolvedAddressException || t instanceof NoRouteToHostException) {
                return new BackendFailure(BackendFailure.BAD_GATEWAY, "backend unreachable: " + BackendFailure.describe(t), error, true);
            }
            if (t instanceof SSLException) {
                return new BackendFailure(BackendFailure.BAD_GATEWAY, "TLS handshake with backend failed: " + BackendFailure.tlsProblem(t, trustStore), error, true);
            }
            if (t instanceof TimeoutException) {
                return new BackendFailure(BackendFailure.GATEWAY_TIMEOUT, "backend did not answer in time", error, true);
            }
        }
        String message = String.valueOf(error.getMessage());
        if (timeout || message.contains(TyrusInternals.HANDSHAKE_TIMEOUT_MESSAGE)) {
            return new BackendFailure(BackendFailure.GATEWAY_TIMEOUT, "backend did not finish its handshake within connectTimeout", error, true);
        }
        return new BackendFailure(BackendFailure.BAD_GATEWAY, "backend connection failed: " + BackendFailure.describe(BackendFailure.rootCause(error)), error, true);
    }

}
