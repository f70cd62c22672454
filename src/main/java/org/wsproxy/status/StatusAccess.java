package org.wsproxy.status;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.wsproxy.config.AddressBlocks;
import org.wsproxy.config.ProxySettings;

/**
 * Who may see the status page: a peer whose address is in {@code statusAllowedAddresses} (by
 * default the machine itself), or, when {@code statusRole} is set, a user whom the container
 * authenticates and finds in that role. Anyone else gets 403.
 * <p>
 * The address is the TCP peer's, never X-Forwarded-For: a header is what a client says, and the
 * page is not worth a trust decision of its own. Behind a reverse proxy on the same machine every
 * request would come from loopback, which is why a proxy in front should not pass /status on, or
 * the list should be emptied and statusRole used instead (the README says so).
 * <p>
 * Immutable.
 */
final class StatusAccess {

    private static final Logger LOG = System.getLogger(StatusAccess.class.getName());

    private final AddressBlocks allowed;
    /** Null when no role opens the page. */
    private final String role;

    StatusAccess(ProxySettings settings) {
        this.allowed = settings.statusAllowedAddresses();
        this.role = settings.statusRole();
    }

    /**
     * Decides on one request: true to serve it; false when the answer has been sent (403, or the
     * container's challenge such as BASIC's 401).
     */
    boolean admit(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (allowedAddress(request.getRemoteAddr())) {
            return true;
        }
        if (role != null) {
            try {
                // The application's login-config decides how: BASIC answers 401 with a challenge and returns false.
                if (!request.authenticate(response)) {
                    return false;
                }
            } catch (ServletException e) {
                // Credentials that the container rejects, or no way to log in at all.
                LOG.log(Level.DEBUG, () -> "status page: authentication of [" + request.getRemoteAddr() + "] failed: " + e);
            }
            if (request.getUserPrincipal() != null && request.isUserInRole(role)) {
                return true;
            }
        }
        response.sendError(HttpServletResponse.SC_FORBIDDEN);
        return false;
    }

    private boolean allowedAddress(String peer) {
        if (peer == null || allowed.isEmpty()) {
            return false;
        }
        InetAddress address = AddressBlocks.peer(peer);
        return address != null && allowed.contains(address);
    }
}
