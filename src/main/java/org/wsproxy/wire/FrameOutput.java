package org.wsproxy.wire;

import java.io.IOException;

import org.wsproxy.relay.Leg.Sent;

/**
 * The writing half of a {@link FrameLeg}: the frames waiting ({@link FrameWriter}), the send held
 * back while too many wait, the wire's pending write, and the end of the connection.
 * <p>
 * Writing is batched: a send only appends a frame; the bytes go to the wire when the reader of the
 * other leg has delivered everything it read ({@link #flush}), so one write carries every frame
 * one read brought. A send is complete at once while at most {@link #OUT_LIMIT} bytes wait; past
 * that, once the wire took them, which holds the other leg's reading meanwhile (the relay pauses it).
 * <p>
 * Locking: the fields below are guarded by {@code this}, taken by every thread that writes (the
 * other leg's reader, this leg's reader answering a ping or a close, the relay's timer, the wire's
 * completion). Relay and wire callbacks are made after the lock is released.
 */
abstract class FrameOutput {

    /**
     * Bytes that may wait to be written before a send is held back, so that with the read buffer
     * at most 64 KiB is held per connection and direction; enough to batch a burst of small
     * messages into one write.
     */
    static final int OUT_LIMIT = 48 * 1024;

    /** Guarded by this. */
    final FrameWriter writer;
    private volatile long lastWriteDone = System.nanoTime();

    // Guarded by this.
    private Wire wire;
    /** The send not yet complete because more than OUT_LIMIT waited. */
    Sent waiting;
    /** True while the wire has bytes it could not take at once: it calls {@link #writable()}. */
    boolean writing;
    /** The payload of the pong owed for the latest ping; only the latest is answered. */
    byte[] owedPong;
    /** True once a close frame is queued: data is dropped from then on. */
    boolean closeQueued;
    /** True once the peer's close is read (or reading gave up): the connection ends once every frame is written. */
    boolean closeRead;
    /** True once the connection is closed. */
    boolean ended;

    FrameOutput(FrameWriter writer) {
        this.writer = writer;
    }

    /** The connection is ready to be written. Called once, before anything is sent. */
    final synchronized void attach(Wire connection) {
        this.wire = connection;
    }

    /** When the last write of data frames completed ({@link System#nanoTime()}). */
    public final long lastWriteDone() {
        return lastWriteDone;
    }

    /** Writing failed: the connection is gone. Called without the lock. */
    abstract void writeFailed(IOException error);

    /** Writes what waits, if the wire can take it; completes a held send once it has. */
    final void flush() {
        Sent release = null;
        IOException failure = null;
        synchronized (this) {
            if (ended || writing || wire == null) {
                return;
            }
            if (owedPong != null && !closeQueued) {
                writer.control(Opcodes.PONG, owedPong);
            }
            owedPong = null;
            try {
                writing = !writer.writeTo(wire);
            } catch (IOException e) {
                failure = e;
            }
            if (failure == null && !writing) {
                if (writer.dataWritten()) {
                    lastWriteDone = System.nanoTime();
                }
                if (writer.pending() <= OUT_LIMIT) {
                    release = waiting;
                    waiting = null;
                }
                if (writer.pending() == 0 && closeQueued && closeRead) {
                    endLocked();
                }
            } else if (failure != null) {
                release = waiting;
                waiting = null;
                endLocked();
            }
        }
        if (failure != null) {
            if (release != null) {
                release.failed(failure);
            }
            // The relay learns the leg is gone whether or not a send was waiting on it.
            writeFailed(failure);
        } else if (release != null) {
            release.sent();
        }
    }

    /** The wire can take more: called by it after {@link Wire#write} returned false. */
    final void writable() {
        synchronized (this) {
            writing = false;
        }
        flush();
    }

    /**
     * Must hold this. The send held back, taken to be completed once the lock is released: with a
     * close queued nothing more is sent, and the other leg, paused for this send, must read again
     * (its peer's close may be waiting there).
     */
    final Sent takeWaiting() {
        Sent held = waiting;
        waiting = null;
        return held;
    }

    static void complete(Sent held) {
        if (held != null) {
            held.sent();
        }
    }

    final void end() {
        Sent held;
        synchronized (this) {
            endLocked();
            held = takeWaiting();
        }
        complete(held);
    }

    /** Must hold this. */
    final void endLocked() {
        if (ended) {
            return;
        }
        ended = true;
        closeQueued = true;
        writer.release();
        if (wire != null) {
            wire.close();
        }
    }

    /** True once the connection is closed: the reader stops and gives its buffer back. */
    final synchronized boolean isEnded() {
        return ended;
    }

}
