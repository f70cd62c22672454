package org.wsproxy.relay;

/**
 * The states of a {@link Relay}, after Jetty's WebSocketProxy (its ISHUT and OSHUT are our half-closed
 * states):
 * <pre>
 *   CONNECTING ── client leg opens ──────────────→ OPEN
 *   CONNECTING ── backend closes ────────────────→ BACKEND_SHUT  (its close waits for the client leg)
 *   CONNECTING ── wsproxy ends it (drain) ───────→ CLOSING       (the client leg is closed as it opens)
 *   CONNECTING ── client leg never opens ────────→ CLOSED        (abandon, or the handoff timeout)
 *   OPEN       ── client closes ─────────────────→ CLIENT_SHUT   (its close sent on to the backend)
 *   OPEN       ── backend closes ────────────────→ BACKEND_SHUT  (its close sent on to the client)
 *   OPEN       ── wsproxy ends it, or a leg fails → CLOSING      (both legs sent a close)
 *   CLIENT_SHUT, BACKEND_SHUT ── the other leg's close ─→ CLOSED
 *   CLIENT_SHUT, BACKEND_SHUT ── wsproxy ends it, a leg fails ─→ CLOSING
 *   CLOSING    ── both legs have reported their close ───────→ CLOSED
 * </pre>
 * {@link #canMoveTo} is this table; {@code Relay.moveTo} refuses any transition it does not allow.
 */
public enum RelayState {
    CONNECTING, OPEN, CLIENT_SHUT, BACKEND_SHUT, CLOSING, CLOSED;

    /** @return true if a relay in this state may move to {@code next} */
    boolean canMoveTo(RelayState next) {
        return switch (this) {
            case CONNECTING -> next == OPEN || next == BACKEND_SHUT || next == CLOSING || next == CLOSED;
            case OPEN -> next == CLIENT_SHUT || next == BACKEND_SHUT || next == CLOSING;
            case CLIENT_SHUT, BACKEND_SHUT -> next == CLOSED || next == CLOSING;
            case CLOSING -> next == CLOSED;
            case CLOSED -> false;
        };
    }
}
