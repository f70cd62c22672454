package org.wsproxy.frames;

import java.nio.ByteBuffer;

/**
 * Reads RFC 6455 frames from bytes that arrive in buffers of any size, cut anywhere: a header may
 * end in the next buffer, a payload spans as many buffers as it takes. Reports each frame's header,
 * then its payload as the slices of the buffers it came in (never copied, never held), then its
 * end; what to do with them (unmask, check, pass on) is the caller's.
 * <p>
 * It checks what the header alone decides (RFC 6455 section 5.2): reserved bits the connection did
 * not negotiate, reserved opcodes, a control frame that is fragmented or has more than 125 bytes of
 * payload, a 64-bit length with its most significant bit set, a masked or unmasked frame where the
 * other was required, a payload longer than the caller's limit. A violation ends the reading: the
 * caller closes the connection with the code it reports.
 * <p>
 * Owned by the thread that reads the connection.
 */
public final class FrameReader {

    /** What a reader reports. */
    public interface Frames {

        /**
         * A frame begins.
         *
         * @param mask the masking key (big-endian) when {@code masked}, else 0
         */
        void header(boolean fin, int rsv, int opcode, long length, boolean masked, int mask);

        /**
         * Bytes of the current frame's payload, still masked if the frame is: between the slice's
         * position and limit, the frame's bytes from {@code offset} on.
         */
        void payload(ByteBuffer slice, long offset);

        /** The current frame's payload is complete. */
        void end();
    }

    /** Why reading stopped: the close code to send and the reason, or null while all is well. */
    public record Violation(int code, String reason) {
    }

    /** RFC 6455 section 5.5: a control frame's payload is at most 125 bytes. */
    public static final int MAX_CONTROL_PAYLOAD = 125;

    private static final int PROTOCOL_ERROR = 1002;
    private static final int TOO_BIG = 1009;

    private enum Step { FIRST, SECOND, LENGTH, MASK, PAYLOAD, FAILED }

    private final Frames frames;
    /** True for a server reading a client (every frame masked), false for a client reading a server (none). */
    private final boolean masksRequired;
    /** The reserved bits the connection negotiated (0x4 for permessage-deflate's RSV1), others refused. */
    private final int allowedRsv;
    /** The longest payload of one frame accepted, in bytes. */
    private final long maxPayload;

    private Step step = Step.FIRST;
    private boolean fin;
    private int rsv;
    private int opcode;
    private boolean masked;
    /** Bytes of the extended length or of the masking key still to read. */
    private int pending;
    private long length;
    private int mask;
    /** Payload bytes of the current frame delivered so far. */
    private long offset;
    private Violation violation;
    /** Set by {@link #stop()} from a callback, cleared by the next {@link #read}. */
    private boolean stopped;

    /**
     * @param masksRequired true when reading a client's frames, false when reading a server's
     * @param allowedRsv    the RSV bits the handshake negotiated, as in the first header byte's
     *                      bits 6-4 shifted down (0x4 for RSV1)
     * @param maxPayload    the longest frame payload accepted; longer gives 1009
     */
    public FrameReader(Frames frames, boolean masksRequired, int allowedRsv, long maxPayload) {
        this.frames = frames;
        this.masksRequired = masksRequired;
        this.allowedRsv = allowedRsv;
        this.maxPayload = maxPayload;
    }

    /**
     * Reads every byte of {@code in} from its position to its limit (the position ends at the limit,
     * where a violation was found, or where a callback called {@link #stop()}).
     *
     * @return null, or the violation that stopped the reading (and every later call)
     */
    public Violation read(ByteBuffer in) {
        stopped = false;
        // A frame with an empty payload ends as soon as its header is read, even with no byte left.
        while (violation == null && !stopped && (in.hasRemaining() || (step == Step.PAYLOAD && length == 0))) {
            switch (step) {
                case FIRST -> first(in.get() & 0xFF);
                case SECOND -> second(in.get() & 0xFF);
                case LENGTH -> {
                    length = (length << 8) | (in.get() & 0xFF);
                    if (--pending == 0) {
                        lengthRead();
                    }
                }
                case MASK -> {
                    mask = (mask << 8) | (in.get() & 0xFF);
                    if (--pending == 0) {
                        begin();
                    }
                }
                case PAYLOAD -> payload(in);
                case FAILED -> {
                    return violation;
                }
            }
        }
        return violation;
    }

    /**
     * Called from a callback: {@link #read} returns once that callback does, with the bytes not read
     * yet left in its buffer, for a later call to go on from. The caller stops while the bytes it was
     * given wait to be written (backpressure), or when what it was given broke its own rules.
     */
    public void stop() {
        stopped = true;
    }

    private void first(int b) {
        fin = (b & 0x80) != 0;
        rsv = (b >> 4) & 0x7;
        opcode = b & 0xF;
        if ((rsv & ~allowedRsv) != 0) {
            fail(PROTOCOL_ERROR, "reserved bits set that no extension negotiated");
        } else if ((opcode >= 3 && opcode <= 7) || opcode >= 11) {
            fail(PROTOCOL_ERROR, "reserved opcode " + opcode);
        } else if (opcode >= 8 && !fin) {
            fail(PROTOCOL_ERROR, "fragmented control frame");
        } else if (opcode >= 8 && rsv != 0) {
            fail(PROTOCOL_ERROR, "reserved bits set on a control frame");
        } else {
            step = Step.SECOND;
        }
    }

    private void second(int b) {
        masked = (b & 0x80) != 0;
        if (masked != masksRequired) {
            fail(PROTOCOL_ERROR, masksRequired ? "unmasked frame from a client" : "masked frame from a server");
            return;
        }
        int len = b & 0x7F;
        length = 0;
        if (len == 126 || len == 127) {
            pending = len == 126 ? 2 : 8;
            step = Step.LENGTH;
        } else {
            length = len;
            lengthRead();
        }
    }

    private void lengthRead() {
        if (length < 0) {
            fail(PROTOCOL_ERROR, "payload length with its most significant bit set");
        } else if (opcode >= 8 && length > MAX_CONTROL_PAYLOAD) {
            fail(PROTOCOL_ERROR, "control frame with more than 125 bytes of payload");
        } else if (length > maxPayload) {
            fail(TOO_BIG, "frame of " + length + " bytes, more than the " + maxPayload + " allowed");
        } else if (masked) {
            mask = 0;
            pending = 4;
            step = Step.MASK;
        } else {
            mask = 0;
            begin();
        }
    }

    private void begin() {
        offset = 0;
        step = Step.PAYLOAD;
        frames.header(fin, rsv, opcode, length, masked, mask);
    }

    private void payload(ByteBuffer in) {
        long left = length - offset;
        if (left > 0) {
            int take = (int) Math.min(left, in.remaining());
            ByteBuffer slice = in.slice(in.position(), take);
            in.position(in.position() + take);
            frames.payload(slice, offset);
            offset += take;
            left -= take;
        }
        if (left == 0) {
            // Before end(): the caller may read the next frame from there on.
            step = Step.FIRST;
            frames.end();
        }
    }

    private void fail(int code, String reason) {
        violation = new Violation(code, reason);
        step = Step.FAILED;
    }
}
