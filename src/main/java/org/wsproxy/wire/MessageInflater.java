package org.wsproxy.wire;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates the client's compressed messages (RFC 7692), a bounded chunk at a time, so that a
 * message that inflates to far more than it took on the wire is passed on, or refused, without
 * being held whole.
 * <p>
 * Owned by the thread reading the client (see {@link Inbound}).
 */
final class MessageInflater {

    /** Thrown when a message inflates past the limit. */
    static final class TooBig extends Exception {
        private static final long serialVersionUID = 1L;

        TooBig(String message) {
            super(message);
        }
    }

    /** RFC 7692 section 7.2.2: the end of each message is inflated as if these four bytes followed it. */
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};
    /** Inflated bytes handed on at a time: a compressed byte can become about a thousand. */
    static final int CHUNK = 16 * 1024;

    private final Inflater inflater = new Inflater(true);
    private final boolean resetEachMessage;
    /** The most bytes one message may inflate to. */
    private final long limit;
    private long produced;
    /** Lent while a message is being inflated; given back at its end. */
    private ByteBuffer chunk;
    /** True when the input given ends the message. */
    private boolean ending;
    private boolean exhausted = true;

    MessageInflater(boolean resetEachMessage, long limit) {
        this.resetEachMessage = resetEachMessage;
        this.limit = limit;
    }

    /**
     * Takes compressed bytes (copied: the caller's buffer is reused). All earlier input must have
     * been inflated ({@link #next()} returned null).
     *
     * @param endsMessage true for the message's last bytes
     */
    void input(ByteBuffer compressed, boolean endsMessage) {
        byte[] bytes = new byte[compressed.remaining() + (endsMessage ? TAIL.length : 0)];
        compressed.get(compressed.position(), bytes, 0, compressed.remaining());
        if (endsMessage) {
            System.arraycopy(TAIL, 0, bytes, compressed.remaining(), TAIL.length);
        }
        inflater.setInput(bytes);
        ending = endsMessage;
        exhausted = false;
    }

    /**
     * @return the next inflated bytes (valid until the next call), or null when all input is
     *         inflated and the message goes on; at the message's end, one last buffer, possibly empty
     */
    ByteBuffer next() throws DataFormatException, TooBig {
        if (exhausted) {
            return null;
        }
        if (chunk == null) {
            chunk = FrameLeg.READ_BUFFERS.take();
        }
        int n = inflater.inflate(chunk.array(), 0, CHUNK);
        produced += n;
        if (produced > limit) {
            throw new TooBig("message inflates to more than " + limit + " bytes");
        }
        exhausted = n < CHUNK && (inflater.needsInput() || inflater.finished());
        if (n == 0 && !(exhausted && ending)) {
            if (inflater.needsDictionary()) {
                throw new DataFormatException("compressed data asks for a preset dictionary");
            }
            if (!exhausted) {
                throw new DataFormatException("compressed data that inflates to nothing");
            }
            return null;
        }
        return chunk.clear().limit(n);
    }

    /** True once the bytes {@link #next()} returned last are the message's end. */
    boolean messageDone() {
        return exhausted && ending;
    }

    /** The message ended: its count starts over, the window too without context takeover. */
    void messageEnded() {
        produced = 0;
        ending = false;
        if (resetEachMessage) {
            inflater.reset();
        }
        FrameLeg.READ_BUFFERS.give(chunk);
        chunk = null;
    }

    /** Frees the native zlib state; the inflater is not used again. */
    void end() {
        inflater.end();
        if (chunk != null) {
            FrameLeg.READ_BUFFERS.give(chunk);
            chunk = null;
        }
    }
}
