package org.wsproxy.wire;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.wsproxy.frames.CloseFrames;
import org.wsproxy.frames.DeflateParams;
import org.wsproxy.frames.FrameHeader;
import org.wsproxy.frames.Masking;
import org.wsproxy.frames.MaskingKeys;
import org.wsproxy.io.BufferPool;
import org.wsproxy.relay.Part;

/**
 * The frames waiting to go out on one leg: each part the relay sends becomes a frame appended
 * here (masked towards a server, compressed where permessage-deflate was negotiated), and
 * {@link #writeTo} hands as many as the wire takes over in one write. The buffer is lent from a
 * pool while frames wait and given back once they are written, so an idle leg holds none.
 * <p>
 * Guarded by the lock of the {@link FrameLeg} that owns it.
 */
final class FrameWriter {

    /** Room for what may wait, one more part (at most one read), and the control frames. */
    private static final int CAPACITY = FrameLeg.OUT_LIMIT + FrameLeg.READ_SIZE + 512;
    /** RSV1 as {@link FrameHeader#write} takes the reserved bits: permessage-deflate's "compressed" bit. */
    private static final int RSV1 = 0x4;
    private static final BufferPool BUFFERS = new BufferPool(CAPACITY, 256);

    /** Masking keys for frames to a server; null for a leg that writes to a client. */
    private final MaskingKeys keys;
    /** Compresses messages to the peer; null when permessage-deflate was not negotiated. */
    private final MessageDeflater deflater;

    /** Frames not yet written, in write mode; null while nothing waits. */
    private ByteBuffer out;
    /** True when the last data frame appended did not end its message. */
    private boolean continuing;
    /** True while data frames wait: only their write completing shows the peer reads. */
    private boolean dataPending;

    FrameWriter(MaskingKeys keys, DeflateParams deflate) {
        this.keys = keys;
        this.deflater = deflate == null ? null : new MessageDeflater(deflate.ownNoContextTakeover());
    }

    /** Bytes waiting. */
    int pending() {
        return out == null ? 0 : out.position();
    }

    /** True while a message's frames have begun and its last has not been appended. */
    boolean midMessage() {
        return continuing;
    }

    /** Appends a data part as one frame (none for a compressed middle part that produced nothing yet). */
    void data(Part part) {
        ByteBuffer payload = part.bytes();
        int rsv = 0;
        if (deflater != null) {
            payload = deflater.compress(payload, part.last());
            if (!payload.hasRemaining() && !part.last()) {
                return; // nothing came out yet: the message's first frame is still to come
            }
            rsv = continuing ? 0 : RSV1;
        }
        int length = payload.remaining();
        boolean masked = keys != null;
        int mask = masked ? keys.nextInt() : 0;
        ByteBuffer buffer = room(FrameHeader.size(length, masked) + length);
        int opcode = continuing ? Opcodes.CONTINUATION : part.text() ? Opcodes.TEXT : Opcodes.BINARY;
        FrameHeader.write(buffer, part.last(), rsv, opcode, length, masked, mask);
        int start = buffer.position();
        buffer.put(payload);
        if (masked) {
            Masking.apply(buffer.slice(start, length), mask, 0);
        }
        continuing = !part.last();
        dataPending = true;
    }

    /** Appends a control frame; between the frames of a message is allowed (RFC 6455 section 5.4). */
    void control(int opcode, byte[] payload) {
        boolean masked = keys != null;
        int mask = masked ? keys.nextInt() : 0;
        ByteBuffer buffer = room(FrameHeader.MAX_LENGTH + payload.length);
        FrameHeader.write(buffer, true, 0, opcode, payload.length, masked, mask);
        int start = buffer.position();
        buffer.put(payload);
        if (masked) {
            Masking.apply(buffer.slice(start, payload.length), mask, 0);
        }
    }

    void close(int code, String reason) {
        control(Opcodes.CLOSE, CloseFrames.payload(code, reason));
    }

    /**
     * Hands what waits to the wire.
     *
     * @return true if the wire can take more at once; false if it must say when ({@link FrameLeg#writable()})
     */
    boolean writeTo(Wire wire) throws IOException {
        if (out == null) {
            return true;
        }
        out.flip();
        boolean more = wire.write(out);
        out.compact();
        if (out.position() == 0) {
            BUFFERS.give(out);
            out = null;
        }
        return more;
    }

    /** True, once, when every data frame appended has been written since the last call. */
    boolean dataWritten() {
        if (out == null && dataPending) {
            dataPending = false;
            return true;
        }
        return false;
    }

    /** The leg ended: the buffer goes back, the compressor's native memory is freed. */
    void release() {
        if (out != null) {
            BUFFERS.give(out);
            out = null;
        }
        if (deflater != null) {
            deflater.end();
        }
    }

    private ByteBuffer room(int bytes) {
        if (out == null) {
            out = BUFFERS.take();
        }
        if (out.remaining() < bytes) {
            // More than one part behind a stalled wire, or many pongs: a buffer grows rather than lose a frame.
            ByteBuffer bigger = ByteBuffer.allocate(out.position() + bytes);
            out.flip();
            bigger.put(out);
            BUFFERS.give(out);
            out = bigger;
        }
        return out;
    }
}
