package org.wsproxy.metrics;

/**
 * The {@code outcome} tag of {@code wsproxy.handshakes}: a handshake's HTTP status folded into the
 * few classes an operator acts on differently. The client's own mistakes (4xx) are one class;
 * the proxy's and the backend's failures each keep their status, since a 502 (backend refused or
 * unreachable), a 503 (no capacity, or stopping) and a 504 (backend too slow) have different fixes.
 */
enum HandshakeOutcome {
    /** 101: the connection opened. */
    OK("ok"),
    /** 400-499: refused by wsproxy (400, 403, 405, 426, 431) or by the backend. */
    CLIENT_ERROR("4xx"),
    BAD_GATEWAY("502"),
    SERVICE_UNAVAILABLE("503"),
    GATEWAY_TIMEOUT("504"),
    /** Anything else, such as a backend's own 500 or 3xx, or a failed upgrade. */
    OTHER("other");

    private final String tag;

    HandshakeOutcome(String tag) {
        this.tag = tag;
    }

    String tag() {
        return tag;
    }

    static HandshakeOutcome of(int status) {
        if (status == 101) {
            return OK;
        }
        if (status >= 400 && status <= 499) {
            return CLIENT_ERROR;
        }
        return switch (status) {
            case 502 -> BAD_GATEWAY;
            case 503 -> SERVICE_UNAVAILABLE;
            case 504 -> GATEWAY_TIMEOUT;
            default -> OTHER;
        };
    }
}
