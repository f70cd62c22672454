package org.wsproxy.frames;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.wsproxy.relay.CloseCodes;

/**
 * The payload of a close frame (RFC 6455 section 5.5.1): empty, or a 2-byte code and a UTF-8
 * reason. {@link #parse} tells a valid one from one a peer must be refused for: a 1-byte payload,
 * a code that may not be sent ({@link CloseCodes#sendable}), or a reason that is not UTF-8.
 */
public final class CloseFrames {

    /** What a close payload says. */
    public sealed interface Parsed permits Valid, Refused {
    }

    /**
     * A valid close.
     *
     * @param code   the code; 1005 (no status, never sent) for an empty payload
     * @param reason the reason, decoded (at most 123 bytes on the wire)
     */
    public record Valid(int code, String reason) implements Parsed {
    }

    /** A close payload the peer must be refused for: the code to answer with, and why. */
    public record Refused(int code, String reason) implements Parsed {
    }

    private CloseFrames() {
    }

    /** @param payload the unmasked payload between its position and limit (neither changes) */
    public static Parsed parse(ByteBuffer payload) {
        int length = payload.remaining();
        if (length == 0) {
            return new Valid(CloseCodes.NO_STATUS, "");
        }
        if (length == 1) {
            return new Refused(CloseCodes.PROTOCOL_ERROR, "close frame with a 1-byte payload");
        }
        int code = payload.getShort(payload.position()) & 0xFFFF;
        if (!CloseCodes.sendable(code)) {
            return new Refused(CloseCodes.PROTOCOL_ERROR, "invalid close code " + code);
        }
        ByteBuffer reason = payload.slice(payload.position() + 2, length - 2);
        Utf8Check check = new Utf8Check();
        if (!check.accept(reason) || !check.complete()) {
            return new Refused(1007, "close reason is not valid UTF-8");
        }
        return new Valid(code, StandardCharsets.UTF_8.decode(reason).toString());
    }

    /** RFC 6455 section 5.5: a control frame's payload is at most 125 bytes, so a close reason at most 123. */
    public static final int MAX_REASON_BYTES = 123;

    /**
     * The payload of a close frame: none for 1005 (no status, which is never sent), else the code
     * and the reason, cut to {@link #MAX_REASON_BYTES} at a character boundary.
     */
    public static byte[] payload(int code, String reason) {
        if (code == CloseCodes.NO_STATUS) {
            return new byte[0];
        }
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, MAX_REASON_BYTES);
        // Back off to the start of a character: continuation bytes are 10xxxxxx.
        while (length < text.length && length > 0 && (text[length] & 0xC0) == 0x80) {
            length--;
        }
        byte[] payload = new byte[2 + length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, length);
        return payload;
    }
}
