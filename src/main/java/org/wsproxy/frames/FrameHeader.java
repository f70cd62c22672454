package org.wsproxy.frames;

import java.nio.ByteBuffer;

/** Writes RFC 6455 frame headers (section 5.2): the shortest length encoding, the mask key if any. */
public final class FrameHeader {

    /** The longest header: 2 bytes, an 8-byte length, a 4-byte key. */
    public static final int MAX_LENGTH = 14;

    private FrameHeader() {
    }

    /** The header's size for a payload of {@code length} bytes. */
    public static int size(long length, boolean masked) {
        int size = length < 126 ? 2 : length < 65536 ? 4 : 10;
        return masked ? size + 4 : size;
    }

    /**
     * Puts a header at {@code out}'s position, which advances past it.
     *
     * @param rsv  the reserved bits, as {@link FrameReader} reports them (0x4 for RSV1)
     * @param mask the masking key (big-endian) when {@code masked}
     */
    public static void write(ByteBuffer out, boolean fin, int rsv, int opcode, long length, boolean masked, int mask) {
        out.put((byte) ((fin ? 0x80 : 0) | (rsv & 0x7) << 4 | (opcode & 0xF)));
        int maskBit = masked ? 0x80 : 0;
        if (length < 126) {
            out.put((byte) (maskBit | length));
        } else if (length < 65536) {
            out.put((byte) (maskBit | 126));
            out.putShort((short) length);
        } else {
            out.put((byte) (maskBit | 127));
            out.putLong(length);
        }
        if (masked) {
            out.putInt(mask);
        }
    }
}
