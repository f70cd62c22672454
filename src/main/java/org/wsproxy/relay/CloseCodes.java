package org.wsproxy.relay;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCode;

/**
 * How a close seen on one leg becomes the close sent on the other, and close codes for the
 * engines that speak the WebSocket API's {@link CloseReason}.
 * <p>
 * Codes that may travel on the wire (RFC 6455 section 7.4 and the IANA registry) pass unchanged
 * with their reason. The codes an endpoint reports but must never send are mapped: 1005 (no status
 * in the close frame) becomes 1000; 1006 (the connection dropped without a close frame) becomes 1001
 * towards the backend (its client went away) and 1014 towards the client (the gateway's upstream
 * failed). Anything else that cannot be sent is treated like 1006.
 * <p>
 * A code is never looked up with {@code CloseReason.CloseCodes.getCloseCode}: Tomcat's copy of
 * the WebSocket API (what Tomcat runs applications with) throws for codes its table lacks, 1014
 * among them, where Eclipse's jar (GlassFish, Jetty, Liberty and others) returns one. A code is the
 * API's constant where the API has one, so that a container comparing with its constants still
 * recognizes it, and a {@link WireCode} of ours otherwise.
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
    /** Internal error: what wsproxy sends on a leg it could not close with the code it meant to. */
    public static final int INTERNAL_ERROR = 1011;
    /** Bad Gateway (IANA registry): the backend failed or vanished after the upgrade. */
    public static final int BAD_GATEWAY = 1014;

    /** The code of the first {@link #CONSTANTS} entry. */
    private static final int FIRST_CONSTANT = 1000;
    /** The API's own constants by code minus 1000, null where this copy of the API has none. */
    private static final CloseCode[] CONSTANTS = constants();

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
    public static Close forward(Close seen, Side from) {
        int code = seen.code();
        if (code == NO_STATUS) {
            return new Close(NORMAL, "");
        }
        if (sendable(code)) {
            return seen;
        }
        return vanished(from);
    }

    /**
     * @param gone the leg that disappeared without a close frame
     * @return the close to send on the other leg
     */
    public static Close vanished(Side gone) {
        return gone == Side.CLIENT ? new Close(GOING_AWAY, "client went away") : new Close(BAD_GATEWAY, "backend went away");
    }

    /** The close an engine with the WebSocket API reported, as the relay takes it (see {@link #code(CloseReason)}). */
    public static Close of(CloseReason reason) {
        return new Close(code(reason), reason == null ? "" : reason.getReasonPhrase());
    }

    /** The close to hand an engine with the WebSocket API. */
    public static CloseReason toApi(Close close) {
        return reason(close.code(), close.reason());
    }

    /**
     * @param code   a sendable close code
     * @param reason a reason of at most 123 bytes in UTF-8
     * @return the close reason
     */
    public static CloseReason reason(int code, String reason) {
        return new CloseReason(closeCode(code), reason == null ? "" : reason);
    }

    /**
     * @param code any close code (sendable or not)
     * @return the API's constant for {@code code} if it has one, else a code of our own; never throws
     */
    public static CloseCode closeCode(int code) {
        if (code >= FIRST_CONSTANT && code < FIRST_CONSTANT + CONSTANTS.length && CONSTANTS[code - FIRST_CONSTANT] != null) {
            return CONSTANTS[code - FIRST_CONSTANT];
        }
        return new WireCode(code);
    }

    /**
     * @param reason a close as a container or client library reported it
     * @return its code, or {@link #ABNORMAL} where it has none (a null reason or a null code: some
     *         stacks report a dropped connection so)
     */
    public static int code(CloseReason reason) {
        if (reason == null || reason.getCloseCode() == null) {
            return ABNORMAL;
        }
        return reason.getCloseCode().getCode();
    }

    private static CloseCode[] constants() {
        CloseCode[] byCode = new CloseCode[100];
        for (CloseReason.CloseCodes constant : CloseReason.CloseCodes.values()) {
            int index = constant.getCode() - FIRST_CONSTANT;
            if (index >= 0 && index < byCode.length) {
                byCode[index] = constant;
            }
        }
        return byCode;
    }

    /** A close code the API's table lacks. */
    private record WireCode(int code) implements CloseCode {
        @Override
        public int getCode() {
            return code;
        }

        @Override
        public String toString() {
            return Integer.toString(code);
        }
    }
}
