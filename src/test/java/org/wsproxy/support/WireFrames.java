package org.wsproxy.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

/** Reading and writing RFC 6455 frames by hand, for the fixtures that speak raw WebSocket. */
public final class WireFrames {

    /**
     * Largest payload a fixture reads, in bytes: more than any test sends (5 MiB), and a bound on
     * what a corrupted length field can make a fixture allocate.
     */
    static final long MAX_PAYLOAD_BYTES = 64L * 1024 * 1024;

    /** A frame header that no reader can go on from: a length that is not minimal, too large, or negative. */
    public static final class Malformed extends IOException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    private WireFrames() {
    }

    /**
     * Reads one frame, masked or not, and unmasks its payload.
     *
     * @return null if the stream ended before a frame started
     * @throws Malformed if the length is not in its minimal form (RFC 6455 section 5.2), has its most
     *                   significant bit set, or exceeds {@link #MAX_PAYLOAD_BYTES}
     */
    static RawClient.Frame read(DataInputStream in) throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
            if (length < 126) {
                throw new Malformed("16-bit length [" + length + "] where the 7-bit form fits");
            }
        } else if (length == 127) {
            length = in.readLong();
            if (length < 0) {
                throw new Malformed("64-bit length with its most significant bit set");
            }
            if (length < 65536) {
                throw new Malformed("64-bit length [" + length + "] where a shorter form fits");
            }
        }
        if (length > MAX_PAYLOAD_BYTES) {
            throw new Malformed("length [" + length + "] exceeds the fixture's limit of " + MAX_PAYLOAD_BYTES);
        }
        boolean masked = (b1 & 0x80) != 0;
        byte[] mask = masked ? in.readNBytes(4) : null;
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        for (int i = 0; mask != null && i < payload.length; i++) {
            payload[i] ^= mask[i & 3];
        }
        return new RawClient.Frame((b0 & 0x80) != 0, (b0 >> 4) & 0x7, b0 & 0x0f, masked, payload);
    }

    /** One frame; masked with a random key when {@code masked} (as a client must send). */
    public static byte[] encode(boolean fin, int opcode, byte[] payload, boolean masked) {
        return encode(fin, 0, opcode, payload, masked);
    }

    /**
     * One frame with the given RSV bits (0-7, RSV1 the highest) and opcode (0-15), valid or not;
     * masked with a random key when {@code masked}.
     */
    public static byte[] encode(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
        byte[] mask = null;
        if (masked) {
            mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
        }
        return encode(fin, rsv, opcode, payload, mask);
    }

    /** One frame masked with {@code mask} (4 bytes), or unmasked if it is null. */
    public static byte[] encode(boolean fin, int rsv, int opcode, byte[] payload, byte[] mask) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | (rsv & 0x7) << 4 | (opcode & 0x0f));
        int maskBit = mask != null ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            frame.write(maskBit | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length);
        } else {
            frame.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >> shift));
            }
        }
        if (mask == null) {
            frame.writeBytes(payload);
            return frame.toByteArray();
        }
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        return frame.toByteArray();
    }

    /** The payload of a close frame: the code in two bytes, then the reason's bytes as given. */
    public static byte[] closePayload(int code, byte[] reason) {
        byte[] payload = new byte[2 + reason.length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        return payload;
    }
}
