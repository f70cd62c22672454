package org.wsproxy.wire;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;

import org.wsproxy.frames.CloseFrames;
import org.wsproxy.frames.DeflateParams;
import org.wsproxy.frames.FrameReader.Violation;
import org.wsproxy.frames.FrameReader;
import org.wsproxy.frames.Masking;
import org.wsproxy.frames.Utf8Check;
import org.wsproxy.relay.Part;

/**
 * The frames one peer sends, checked and handed to its {@link FrameLeg}: data as message parts
 * (unmasked, text checked as UTF-8 across frames, never decoded), pings, pongs and the close.
 * Beyond what {@link FrameReader} checks from a header alone, it refuses a continuation frame with
 * no message begun, a new message before the previous one ended (1002), and text that is not
 * UTF-8 (1007).
 * <p>
 * Owned by the thread reading the leg's peer (one at a time; each read publishes to the next).
 */
final class Inbound implements FrameReader.Frames {

    private static final int INVALID_DATA = 1007;
    private static final int PROTOCOL_ERROR = 1002;
    private static final int TOO_BIG = 1009;

    private final FrameLeg leg;
    private final FrameReader reader;
    private final Utf8Check utf8 = new Utf8Check();

    private int opcode;
    private boolean fin;
    private long length;
    private int mask;
    /** True between a data frame without FIN and the continuation frame with it. */
    private boolean inMessage;
    private boolean text;
    /** The payload of the current control frame (at most 125 bytes), gathered across reads. */
    private final byte[] control = new byte[FrameReader.MAX_CONTROL_PAYLOAD];
    private int controlLength;
    /** What a callback refused; reading stops at once. */
    private Violation refused;
    /** True once the close frame was read: nothing after it is looked at. */
    private boolean closed;
    /** Inflates compressed messages; null when permessage-deflate was not negotiated. */
    private final MessageInflater inflater;
    /** True while the current message is compressed (RSV1 on its first frame). */
    private boolean compressed;
    /** True while inflated bytes wait to be handed on (the leg paused in the middle). */
    private boolean draining;

    /**
     * @param fromClient   true when the peer is a client (its frames must be masked)
     * @param deflate      permessage-deflate as negotiated with the peer, null for none
     * @param inflateLimit the most bytes one compressed message may inflate to
     */
    Inbound(FrameLeg leg, boolean fromClient, DeflateParams deflate, long inflateLimit) {
        this.leg = leg;
        // No frame length is refused here: the relay counts each message against maxMessageSize
        // as its parts pass (Direction), which also bounds a message of many small frames.
        this.reader = new FrameReader(this, fromClient, deflate == null ? 0 : RSV1, Long.MAX_VALUE);
        this.inflater = deflate == null ? null : new MessageInflater(deflate.peerNoContextTakeover(), inflateLimit);
    }

    /** RSV1, as {@link FrameReader} reports the reserved bits: permessage-deflate's "compressed" bit. */
    private static final int RSV1 = 0x4;

    /**
     * Reads the frames in {@code in} (its position moves past what was read), stopping early when
     * the leg pauses or the peer's close was read.
     *
     * @return null, or what the peer did wrong: the leg closes it with that code
     */
    Violation read(ByteBuffer in) {
        if (closed) {
            in.position(in.limit());
            return null;
        }
        if (draining) {
            drain();
            if (draining || refused != null) {
                return refused;
            }
        }
        Violation violation = reader.read(in);
        return violation != null ? violation : refused;
    }

    /** Stops {@link #read} after the current callback: the leg paused, or the frames were refused. */
    void stop() {
        reader.stop();
    }

    boolean closed() {
        return closed;
    }

    /** True once nothing more is read: the close was read, or the frames were refused. */
    boolean done() {
        return closed || refused != null;
    }

    /** True while inflated bytes wait to be handed on: the next {@link #read} goes on with them. */
    boolean draining() {
        return draining;
    }

    @Override
    public void header(boolean fin, int rsv, int opcode, long length, boolean masked, int mask) {
        this.opcode = opcode;
        this.fin = fin;
        this.length = length;
        this.mask = mask;
        if (opcode >= Opcodes.CLOSE) {
            controlLength = 0;
            return;
        }
        if (opcode == Opcodes.CONTINUATION && !inMessage) {
            refuse(PROTOCOL_ERROR, "continuation frame with no message begun");
        } else if (opcode != Opcodes.CONTINUATION && inMessage) {
            refuse(PROTOCOL_ERROR, "new message before the previous one ended");
        } else if (opcode == Opcodes.CONTINUATION && (rsv & RSV1) != 0) {
            refuse(PROTOCOL_ERROR, "RSV1 set on a continuation frame");
        } else if (opcode != Opcodes.CONTINUATION) {
            text = opcode == Opcodes.TEXT;
            compressed = (rsv & RSV1) != 0;
            inMessage = true;
        }
    }

    @Override
    public void payload(ByteBuffer slice, long offset) {
        if (refused != null) {
            return;
        }
        Masking.apply(slice, mask, offset);
        if (opcode >= Opcodes.CLOSE) {
            int n = slice.remaining();
            slice.get(slice.position(), control, controlLength, n);
            controlLength += n;
            return;
        }
        boolean endsFrame = offset + slice.remaining() == length;
        if (compressed) {
            inflater.input(slice, fin && endsFrame);
            drain();
        } else {
            deliver(slice, fin && endsFrame);
        }
    }

    /** Hands on what the inflater has, until it needs input, the message ends, or the leg pauses. */
    private void drain() {
        draining = false;
        try {
            for (ByteBuffer inflated = inflater.next(); inflated != null; inflated = inflater.next()) {
                boolean last = inflater.messageDone();
                deliver(inflated, last);
                if (last) {
                    compressed = false;
                    inflater.messageEnded();
                    return;
                }
                if (leg.paused || refused != null) {
                    draining = refused == null;
                    return;
                }
            }
        } catch (DataFormatException e) {
            refuse(INVALID_DATA, "compressed data that does not inflate: " + e.getMessage());
        } catch (MessageInflater.TooBig e) {
            refuse(TOO_BIG, e.getMessage());
        }
    }

    /** The reading is over: the inflater's native memory is freed. Reading thread only. */
    void release() {
        if (inflater != null) {
            inflater.end();
        }
    }

    @Override
    public void end() {
        if (refused != null) {
            return;
        }
        switch (opcode) {
            case Opcodes.PING -> leg.pinged(ByteBuffer.wrap(control, 0, controlLength));
            case Opcodes.PONG -> leg.ponged();
            case Opcodes.CLOSE -> {
                closed = true;
                reader.stop();
                leg.closeRead(CloseFrames.parse(ByteBuffer.wrap(control, 0, controlLength)));
            }
            default -> {
                if (length == 0 && compressed) {
                    inflater.input(ByteBuffer.allocate(0), fin);
                    drain();
                } else if (length == 0) {
                    deliver(ByteBuffer.allocate(0), fin);
                }
            }
        }
    }

    private void deliver(ByteBuffer payload, boolean last) {
        if (text && (!utf8.accept(payload) || (last && !utf8.complete()))) {
            refuse(INVALID_DATA, "text that is not valid UTF-8");
            return;
        }
        if (last) {
            inMessage = false;
            utf8.reset();
        }
        leg.received(text ? Part.utf8(payload, last) : Part.binary(payload, last));
    }

    private void refuse(int code, String reason) {
        refused = new Violation(code, reason);
        reader.stop();
    }
}
