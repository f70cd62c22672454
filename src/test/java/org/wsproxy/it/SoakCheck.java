package org.wsproxy.it;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.zip.CRC32;

/**
 * Checks the messages of one session in one direction as they stream in, part by part, holding no
 * more than a header's worth of any message: each one is identified (its sequence number) or found
 * corrupted, then counted as in order, reordered (a gap it fills) or duplicated.
 * <p>
 * Not thread-safe: one receiver, which gets one session's parts one at a time.
 */
final class SoakCheck {

    /** How far from the expected sequence number a short (header-less) message is looked for. */
    private static final int SHORT_SEARCH = 16;

    private final SoakPlan plan;
    private final long key;
    /** Sequence numbers beyond the session's plan are not looked up (they would be corrupt anyway). */
    private final int planned;

    /** The next sequence number in order, and the earlier ones not seen yet. */
    private int expected;
    private final BitSet missing = new BitSet();

    private long received;
    private long reordered;
    private long duplicated;
    private long corrupted;
    private long bytes;

    /** The message being received; null between messages. */
    private Incoming incoming;
    /**
     * UTF-8 of a text part, encoded here as the CRC covers the UTF-8 bytes, or a binary part copied
     * out of its buffer; small, as there is one per session and direction (4,000 with 2,000 connections).
     */
    private final byte[] scratch = new byte[4 * 1024];

    SoakCheck(SoakPlan plan, long key) {
        this.plan = plan;
        this.key = key;
        this.planned = plan.session(key).messages();
    }

    /** @return true if this part completed a message */
    boolean text(CharSequence part, boolean last) {
        Incoming message = start(true);
        int at = 0;
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            int codePoint;
            if (message.highSurrogate != 0) {
                codePoint = Character.isLowSurrogate(c) ? Character.toCodePoint(message.highSurrogate, c) : 0xfffd;
                message.highSurrogate = 0;
            } else if (Character.isHighSurrogate(c)) {
                message.highSurrogate = c;
                continue;
            } else {
                codePoint = Character.isLowSurrogate(c) ? 0xfffd : c;
            }
            if (at + 4 > scratch.length) {
                message.accept(scratch, 0, at);
                at = 0;
            }
            at = utf8(codePoint, scratch, at);
        }
        message.accept(scratch, 0, at);
        if (last && message.highSurrogate != 0) {
            at = utf8(0xfffd, scratch, 0);
            message.accept(scratch, 0, at);
        }
        return last && finish(message);
    }

    /** @return true if this part completed a message */
    boolean binary(ByteBuffer part, boolean last) {
        Incoming message = start(false);
        ByteBuffer data = part.duplicate();
        while (data.hasRemaining()) {
            int n = Math.min(data.remaining(), scratch.length);
            data.get(scratch, 0, n);
            message.accept(scratch, 0, n);
        }
        return last && finish(message);
    }

    private Incoming start(boolean text) {
        if (incoming == null) {
            incoming = new Incoming(text);
        } else if (incoming.text != text) {
            // A part of the other kind in the middle of a message: the message is damaged.
            incoming.damaged = true;
        }
        return incoming;
    }

    private boolean finish(Incoming message) {
        incoming = null;
        received++;
        bytes += message.size;
        int seq = message.damaged ? -1 : identify(message);
        if (seq < 0) {
            corrupted++;
        } else if (seq == expected) {
            expected++;
        } else if (seq > expected) {
            missing.set(expected, seq);
            expected = seq + 1;
        } else if (missing.get(seq)) {
            missing.clear(seq);
            reordered++;
        } else {
            duplicated++;
        }
        return true;
    }

    /** The sequence number of a complete message, or -1 if it is none of this session's. */
    private int identify(Incoming message) {
        if (message.size >= SoakPlan.HEADER_BYTES) {
            int seq = message.headerSeq();
            if (seq < 0 || seq >= planned || message.headerSize() != message.size
                    || message.headerCrc() != message.crc.getValue()) {
                return -1;
            }
            SoakPlan.Message shape = plan.message(key, seq);
            return shape.text() == message.text && shape.size() == message.size ? seq : -1;
        }
        // Too short for a header: which nearby message is it, byte for byte? The expected one first.
        if (isShort(expected, message)) {
            return expected;
        }
        for (int distance = 1; distance <= SHORT_SEARCH; distance++) {
            if (isShort(expected - distance, message)) {
                return expected - distance;
            }
            if (isShort(expected + distance, message)) {
                return expected + distance;
            }
        }
        return -1;
    }

    private boolean isShort(int seq, Incoming message) {
        if (seq < 0 || seq >= planned) {
            return false;
        }
        SoakPlan.Message shape = plan.message(key, seq);
        if (shape.text() != message.text || shape.size() != message.size) {
            return false;
        }
        byte[] content = new byte[shape.size() + 4]; // fill stops when fewer than 4 bytes are left
        int n = plan.content(key, seq).fill(content);
        return n == message.size && Arrays.equals(content, 0, n, message.head, 0, n);
    }

    /** Messages sent but never received: call once the session has ended, with what the sender says it sent. */
    long lost(long sent) {
        long distinct = expected - missing.cardinality();
        return Math.max(0, sent - distinct);
    }

    long received() {
        return received;
    }

    long reordered() {
        return reordered;
    }

    long duplicated() {
        return duplicated;
    }

    long corrupted() {
        return corrupted;
    }

    long bytes() {
        return bytes;
    }

    /** Whether a message has begun and not ended. */
    boolean inMessage() {
        return incoming != null;
    }

    private static int utf8(int c, byte[] out, int at) {
        if (c < 0x80) {
            out[at++] = (byte) c;
        } else if (c < 0x800) {
            out[at++] = (byte) (0xc0 | c >>> 6);
            out[at++] = (byte) (0x80 | c & 0x3f);
        } else if (c < 0x10000) {
            out[at++] = (byte) (0xe0 | c >>> 12);
            out[at++] = (byte) (0x80 | c >>> 6 & 0x3f);
            out[at++] = (byte) (0x80 | c & 0x3f);
        } else {
            out[at++] = (byte) (0xf0 | c >>> 18);
            out[at++] = (byte) (0x80 | c >>> 12 & 0x3f);
            out[at++] = (byte) (0x80 | c >>> 6 & 0x3f);
            out[at++] = (byte) (0x80 | c & 0x3f);
        }
        return at;
    }

    /** One message so far: its first bytes (the header, or all of a short message), a CRC of the rest, its size. */
    private final class Incoming {
        final boolean text;
        final byte[] head = new byte[SoakPlan.HEADER_BYTES];
        final CRC32 crc = SoakPlan.crc(key);
        long size;
        boolean damaged;
        /** A high surrogate that ended the previous text part, waiting for its low half. */
        char highSurrogate;

        Incoming(boolean text) {
            this.text = text;
        }

        void accept(byte[] data, int offset, int length) {
            int inHead = (int) Math.min(length, Math.max(0, SoakPlan.HEADER_BYTES - size));
            if (inHead > 0) {
                System.arraycopy(data, offset, head, (int) size, inHead);
            }
            crc.update(data, offset + inHead, length - inHead);
            size += length;
        }

        int headerSeq() {
            return head[0] == '#' && head[9] == ':' && head[18] == ':' && head[27] == '#' ? (int) hex(1) : -1;
        }

        long headerSize() {
            return hex(10);
        }

        long headerCrc() {
            return hex(19);
        }

        /** The 8 hex digits at {@code from}, or -1 if they are not hex digits. */
        private long hex(int from) {
            String digits = new String(head, from, 8, StandardCharsets.US_ASCII);
            try {
                return Long.parseLong(digits, 16);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }
}
