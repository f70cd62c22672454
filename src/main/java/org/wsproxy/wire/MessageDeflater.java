package org.wsproxy.wire;

import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * Compresses the messages to the client (RFC 7692) part by part, as they come from the backend:
 * each part becomes one frame's payload, the message's last one ends with a sync flush whose
 * trailing 00 00 FF FF is left off.
 * <p>
 * Guarded by the lock of the leg that writes with it.
 */
final class MessageDeflater {

    private static final int TAIL_LENGTH = 4;

    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private final boolean resetEachMessage;
    /** Compressed bytes of the current part; grows to the largest part's need. */
    private byte[] out = new byte[1024];

    MessageDeflater(boolean resetEachMessage) {
        this.resetEachMessage = resetEachMessage;
    }

    /** @return the compressed bytes of {@code part} (valid until the next call); the part is consumed */
    ByteBuffer compress(ByteBuffer part, boolean last) {
        deflater.setInput(part);
        int length = 0;
        int flush = last ? Deflater.SYNC_FLUSH : Deflater.NO_FLUSH;
        while (true) {
            if (length == out.length) {
                out = java.util.Arrays.copyOf(out, out.length * 2);
            }
            int n = deflater.deflate(out, length, out.length - length, flush);
            length += n;
            // Done when the input is taken and, for a flush, the output did not fill the buffer.
            if (deflater.needsInput() && length < out.length) {
                break;
            }
        }
        part.position(part.limit());
        if (last) {
            length -= TAIL_LENGTH;
            if (resetEachMessage) {
                deflater.reset();
            }
        }
        return ByteBuffer.wrap(out, 0, length);
    }

    void end() {
        deflater.end();
    }
}
