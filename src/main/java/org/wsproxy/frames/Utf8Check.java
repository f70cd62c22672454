package org.wsproxy.frames;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Checks that the payload of one text message is valid UTF-8 (RFC 3629, as RFC 6455 section 8.1
 * asks), byte by byte, across any number of frames and buffers, without decoding it to characters:
 * a frame relay passes text on as the bytes it received, and refuses it (1007) at the first byte
 * that cannot be part of valid UTF-8, not only at the end of the message.
 * <p>
 * The state is the number of continuation bytes still expected and the range the next one must be
 * in: the second byte of a sequence is narrower for E0 (no overlong), ED (no surrogates), F0 (no
 * overlong) and F4 (nothing above U+10FFFF). Owned by the thread reading the message's frames.
 */
public final class Utf8Check {

    /** Continuation bytes still expected for the current character. */
    private int needed;
    /** The range the next continuation byte must be in. */
    private int lowest = 0x80;
    private int highest = 0xBF;

    /**
     * Checks the bytes of {@code payload} between its position and limit (neither changes).
     *
     * @return false at the first byte that cannot continue valid UTF-8; the check then stays failed
     *         until {@link #reset()}
     */
    public boolean accept(ByteBuffer payload) {
        if (!payload.hasArray()) {
            for (int i = payload.position(); i < payload.limit(); i++) {
                if (!accept(payload.get(i) & 0xFF)) {
                    return false;
                }
            }
            return true;
        }
        byte[] bytes = payload.array();
        int i = payload.arrayOffset() + payload.position();
        int end = payload.arrayOffset() + payload.limit();
        while (i < end) {
            if (needed == 0) {
                // ASCII, the usual text, eight bytes at a time: no byte has its top bit set.
                while (i + Long.BYTES <= end && ((long) LONGS.get(bytes, i) & ASCII_MASK) == 0) {
                    i += Long.BYTES;
                }
                if (i == end) {
                    break;
                }
            }
            if (!accept(bytes[i] & 0xFF)) {
                return false;
            }
            i++;
        }
        return true;
    }

    /** The top bit of each of eight bytes. */
    private static final long ASCII_MASK = 0x8080808080808080L;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Checks one byte; see {@link #accept(ByteBuffer)}. */
    public boolean accept(int b) {
        if (needed < 0) {
            return false;
        }
        if (needed > 0) {
            if (b < lowest || b > highest) {
                needed = -1;
                return false;
            }
            needed--;
            lowest = 0x80;
            highest = 0xBF;
            return true;
        }
        if (b < 0x80) {
            return true;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            needed = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            needed = 2;
            if (b == 0xE0) {
                lowest = 0xA0;
            } else if (b == 0xED) {
                highest = 0x9F;
            }
        } else if (b >= 0xF0 && b <= 0xF4) {
            needed = 3;
            if (b == 0xF0) {
                lowest = 0x90;
            } else if (b == 0xF4) {
                highest = 0x8F;
            }
        } else {
            needed = -1;
            return false;
        }
        return true;
    }

    /** True if the bytes so far end on a character boundary: a message may end here. */
    public boolean complete() {
        return needed == 0;
    }

    /** For the next message. */
    public void reset() {
        needed = 0;
        lowest = 0x80;
        highest = 0xBF;
    }
}
