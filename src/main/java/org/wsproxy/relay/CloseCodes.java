package org.wsproxy.relay;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCode;

/**
 * How a close seen on one leg becomes the close sent on the other.
 * <p>
 * Codes that may travel on the wire (RFC 6455 section 7.4 and the IANA registry) pass unchanged
 * with their reason. The codes an endpoint reports but must never send are mapped: 1005 (no status
 * in the close frame) becomes 1000; 1006 (the connection dropped without a close frame) becomes 1001
 * towards the backend (its client went away) and 1014 towards the client (the gateway's upstream
 * failed). Anything else that cannot be sent is treated like 1006.
 */
public final class CloseCodes {

    /** Normal closure. */
    public static final int NORMAL = 1000;
    /** Going away: the client left, or wsproxy is stopping. */
    public static final int GOING_AWAY = 1001;
    /** The peer broke the protocol. */
    public static final int PROTOCOL_ERROR = 1002;
    /** No status code was present in the close frame (never sent). */
    public static final int NO_STATUS = 1005;
    /** The connection dropped without a close frame (never sent). */
    public static final int ABNORMAL = 1006;
    /** A message larger than the route's maxMessageSize. */
    public static final int TOO_BIG = 1009;
    /** Bad Gateway (IANA registry): the backend failed or vanished after the upgrade. */
    public static final int BAD_GATEWAY = 1014;

    private CloseCodes() {
    }

    /**
     * @param code a close code as reported by a container or client
     * @return true if an endpoint may put this code in a close frame
     */
    public static boolean sendable(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /**
     * @param seen the close reported on the {@code from} leg
     * @param from the leg that closed
     * @return the close to send on the other leg
     */
    public static CloseReason forward(CloseReason seen, Side from) {
        int code = seen.getCloseCode().getCode();
        if (code == NO_STATUS) {
            return reason(NORMAL, "");
        }
        if (sendable(code)) {
            return reason(code, seen.getReasonPhrase());
        }
        return vanished(from);
    }

    /**
     * @param gone the leg that disappeared without a close frame
     * @return the close to send on the other leg
     */
    public static CloseReason vanished(Side gone) {
        return gone == Side.CLIENT ? reason(GOING_AWAY, "client went away") : reason(BAD_GATEWAY, "backend went away");
    }

    /**
     * @param code   a sendable close code
     * @param reason a reason of at most 123 bytes in UTF-8
     * @return the close reason
     */
    public static CloseReason reason(int code, String reason) {
        return new CloseReason(closeCode(code), reason == null ? "" : reason);
    }

    private static CloseCode closeCode(int code) {
        return CloseReason.CloseCodes.getCloseCode(code);
    }
}
