package org.wsproxy.relay;

/**
 * A close as a leg reported it or as the relay sends it: a code and a reason. The codes a leg may
 * report but that never travel on the wire are 1005 (the close frame had no code) and 1006 (the
 * connection ended without a close frame). Immutable.
 *
 * @param code   the close code
 * @param reason the reason, never null (empty for none); at most 123 bytes of UTF-8 when sent
 */
public record Close(int code, String reason) {

    public Close {
        reason = reason == null ? "" : reason;
    }

    /** A connection that ended without a close frame. */
    public static Close dropped() {
        return new Close(CloseCodes.ABNORMAL, "");
    }

    @Override
    public String toString() {
        return code + " [" + reason + "]";
    }
}
