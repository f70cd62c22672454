package org.wsproxy.relay;

import java.nio.ByteBuffer;

/**
 * One part of a message on its way from one leg to the other: text or binary, and whether it ends
 * its message. Message boundaries are kept; where an engine splits a message into parts is its own
 * business. Text comes as characters from an engine that decodes it (jsr356: the WebSocket APIs
 * deliver Strings) and as UTF-8 bytes from one that does not; a leg is only ever sent parts made
 * by the other leg of its own engine, so each engine reads back the form it writes.
 * <p>
 * Immutable, but {@link #bytes()} is the engine's buffer: the receiving leg consumes it.
 *
 * @param text  true for a text message
 * @param chars the text as characters, or null
 * @param bytes the payload as bytes (text as UTF-8), or null when {@code chars} carries it
 * @param last  true if this part ends its message
 */
public record Part(boolean text, String chars, ByteBuffer bytes, boolean last) {

    public static Part text(String chars, boolean last) {
        return new Part(true, chars, null, last);
    }

    public static Part utf8(ByteBuffer bytes, boolean last) {
        return new Part(true, null, bytes, last);
    }

    public static Part binary(ByteBuffer bytes, boolean last) {
        return new Part(false, null, bytes, last);
    }

    /** Payload bytes, text counted as UTF-8: what maxMessageSize and the traffic counts measure. */
    public long size() {
        return chars != null ? Utf8.length(chars) : bytes.remaining();
    }

    @Override
    public String toString() {
        return (text ? "text" : "binary") + "[" + (chars != null ? chars : bytes.remaining() + " bytes") + "]" + (last ? " last" : "");
    }
}
