package org.wsproxy.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The few RFC 6455 pieces the benchmark's client and backend need. Both sides of the benchmark are
 * hand-written on NIO so that neither is the bottleneck: no per-message objects, frames built once
 * and reused, many frames per system call.
 */
final class WsFrames {

    static final int OP_CONTINUATION = 0x0;
    static final int OP_TEXT = 0x1;
    static final int OP_BINARY = 0x2;
    static final int OP_CLOSE = 0x8;
    static final int OP_PING = 0x9;
    static final int OP_PONG = 0xA;

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WsFrames() {
    }

    /** Bytes of a frame header for this payload length, with or without a 4-byte mask key. */
    static int headerLength(long payloadLength, boolean masked) {
        int base = payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
        return masked ? base + 4 : base;
    }

    /** Writes a FIN frame header; {@code mask} is written (and the MASK bit set) when non-null. */
    static void putHeader(ByteBuffer out, boolean fin, int opcode, long length, byte[] mask) {
        out.put((byte) ((fin ? 0x80 : 0) | opcode));
        int maskBit = mask == null ? 0 : 0x80;
        if (length < 126) {
            out.put((byte) (maskBit | length));
        } else if (length <= 0xFFFF) {
            out.put((byte) (maskBit | 126));
            out.putShort((short) length);
        } else {
            out.put((byte) (maskBit | 127));
            out.putLong(length);
        }
        if (mask != null) {
            out.put(mask);
        }
    }

    /**
     * A whole client frame (masked) carrying {@code payload}: what a client sends. The benchmark
     * sends the same bytes again and again, so it is built once per connection.
     */
    static ByteBuffer maskedFrame(int opcode, byte[] payload, byte[] mask) {
        ByteBuffer frame = ByteBuffer.allocateDirect(headerLength(payload.length, true) + payload.length);
        putHeader(frame, true, opcode, payload.length, mask);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ mask[i & 3]));
        }
        return frame.flip();
    }

    static String acceptKey(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java runtime", e);
        }
    }

    /** Index just past the blank line ending an HTTP head in {@code buf[0, limit)}, or -1. */
    static int endOfHead(byte[] buf, int limit) {
        for (int i = 3; i < limit; i++) {
            if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }
}
