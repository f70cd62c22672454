package org.wsproxy.wire;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.wsproxy.frames.CloseFrames;
import org.wsproxy.frames.DeflateParams;
import org.wsproxy.frames.FrameReader.Violation;
import org.wsproxy.frames.MaskingKeys;
import org.wsproxy.io.BufferPool;
import org.wsproxy.relay.Close;
import org.wsproxy.relay.CloseCodes;
import org.wsproxy.relay.Leg;
import org.wsproxy.relay.Part;
import org.wsproxy.relay.Relay;
import org.wsproxy.relay.RelayTimer;
import org.wsproxy.relay.Side;

/**
 * One leg of the frame engine: frames read from its peer go to the relay as parts, parts from the
 * relay are written to its peer as frames, and the closing handshake and control frames are
 * handled here, per leg. The subclasses read their peer (a socket, a servlet upgrade); writing,
 * closing and what the frames mean are common.
 * <p>
 * Writing, batched, is {@link FrameOutput}'s.
 * <p>
 * Locking: the closing state below is guarded by {@code this}, as the writing state is (see
 * {@link FrameOutput}); relay and wire calls are made after the lock is released. The reading
 * state is the reading thread's ({@link Inbound}).
 */
abstract class FrameLeg extends FrameOutput implements Leg {

    private static final Logger LOG = System.getLogger(FrameLeg.class.getName());

    /** Bytes read from a peer at a time: what one read buffer, lent while reading, holds. */
    static final int READ_SIZE = 16 * 1024;
    /**
     * How long a close sent waits for the peer's: a peer that has not answered in 5 s is stuck or
     * gone, and its connection is ended so that it does not hold a connection and its buffers
     * (as the jsr356 engine's legs do).
     */
    static final long CLOSE_ANSWER_MILLIS = 5000;

    /** What a reader processes when it only has inflated bytes to hand on. */
    static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    static final BufferPool READ_BUFFERS = new BufferPool(READ_SIZE, 1024);

    final Relay relay;
    final Side side;
    private final RelayTimer timer;
    final Inbound inbound;
    /** The leg relayed to; set once before any frame is read. */
    FrameLeg partner;

    /** Owned by the thread reading: bytes read and not yet processed (a paused leg's), null while none. */
    private ByteBuffer readBuffer;

    /** Set by the reading thread's relay delivery, cleared by {@link #resumeReading()}. */
    volatile boolean paused;

    // Guarded by this, as the writing state of FrameOutput.
    /** The close wsproxy sent first on this leg (the relay's), null while none or when it answered the peer's. */
    private Close sentClose;
    /** The peer's close, whose answer waits for the end of the message being sent to it; else null. */
    private Close deferredAnswer;
    /** True once the relay was told of this leg's close. */
    private boolean reported;

    /**
     * @param deflate      permessage-deflate as negotiated with the peer, null for none
     * @param inflateLimit the most bytes a compressed message from the peer may inflate to
     */
    FrameLeg(Relay relay, Side side, RelayTimer timer, MaskingKeys keys, boolean peerIsClient, DeflateParams deflate,
             long inflateLimit) {
        super(new FrameWriter(keys, deflate));
        this.relay = relay;
        this.side = side;
        this.timer = timer;
        this.inbound = new Inbound(this, peerIsClient, deflate, inflateLimit);
    }

    // ---- what the relay asks of a leg

    @Override
    public final void send(Part part, Sent done) {
        boolean now;
        Close answered = null;
        synchronized (this) {
            if (closeQueued || ended) {
                now = true;
            } else {
                writer.data(part);
                now = writer.pending() <= OUT_LIMIT;
                if (part.last() && deferredAnswer != null) {
                    answered = deferredAnswer;
                    deferredAnswer = null;
                    answerLocked(answered);
                    now = true;
                } else if (!now) {
                    waiting = done;
                }
            }
        }
        if (now) {
            done.sent();
        }
        if (answered != null) {
            report(answered);
        }
    }

    @Override
    public final void close(Close close) {
        Sent release;
        Close answered;
        boolean gone;
        synchronized (this) {
            gone = ended;
        }
        if (gone) {
            // The connection is already closed: what the relay waits for is that it ended.
            report(Close.dropped());
            return;
        }
        synchronized (this) {
            if (closeQueued || ended) {
                return;
            }
            release = takeWaiting();
            answered = deferredAnswer;
            deferredAnswer = null;
            if (answered != null) {
                // The peer closed first and its answer waited for a message the relay now gives up on.
                answerLocked(answered);
            } else {
                closeQueued = true;
                sentClose = close;
                writer.close(close.code(), close.reason());
            }
        }
        complete(release);
        if (answered != null) {
            report(answered);
        } else {
            timer.schedule(this::closeUnanswered, CLOSE_ANSWER_MILLIS, TimeUnit.MILLISECONDS);
        }
        flush();
    }

    @Override
    public final boolean probe() {
        synchronized (this) {
            if (ended) {
                return false;
            }
            if (writing || closeQueued) {
                return true;
            }
            writer.control(Opcodes.PING, new byte[0]);
        }
        flush();
        return true;
    }

    @Override
    public final void pauseReading() {
        paused = true;
        inbound.stop();
    }

    @Override
    public final void abort() {
        end();
        report(Close.dropped());
    }

    // ---- what the reading side tells

    /** A data part read from the peer. */
    final void received(Part part) {
        relay.received(side, part);
    }

    final void pinged(ByteBuffer payload) {
        byte[] copy = new byte[payload.remaining()];
        payload.get(copy);
        synchronized (this) {
            if (closeQueued) {
                return;
            }
            if (writing) {
                // The peer is not taking what it is sent: one pong owed is enough (RFC 6455 section
                // 5.5.3), so that a peer pinging without reading cannot pile up pongs here.
                owedPong = copy;
            } else {
                writer.control(Opcodes.PONG, copy);
            }
        }
    }

    final void ponged() {
        relay.heard(side);
    }

    /** The peer's close frame was read. */
    final void closeRead(CloseFrames.Parsed parsed) {
        if (parsed instanceof CloseFrames.Refused refused) {
            refused(new Violation(refused.code(), refused.reason()));
            return;
        }
        CloseFrames.Valid valid = (CloseFrames.Valid) parsed;
        Close seen = new Close(valid.code(), valid.reason());
        boolean deferred = false;
        Sent held = null;
        synchronized (this) {
            closeRead = true;
            if (sentClose != null) {
                // The peer answered wsproxy's close: the leg ended with the close wsproxy sent, as the
                // containers' stacks report it (the answer's code is the peer's echo, often just 1000).
                seen = sentClose;
            }
            if (!closeQueued && writer.midMessage()) {
                // RFC 6455 section 5.5.1 lets the answer wait for the end of the message being sent,
                // as the containers' stacks do: the peer gets that message whole. The relay learns
                // of the close once it is answered, so that the rest of the message still comes.
                deferredAnswer = seen;
                deferred = true;
            } else if (!closeQueued) {
                answerLocked(seen);
                held = takeWaiting();
            }
        }
        if (deferred) {
            timer.schedule(this::answerDeferred, CLOSE_ANSWER_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        complete(held);
        report(seen);
        flush();
    }

    /**
     * Must hold this. Queues the answer to the peer's close: RFC 6455 section 5.5.1, it echoes the
     * close, as the containers' own stacks do; a close without a code is answered with 1000, as
     * Tomcat's is.
     */
    private void answerLocked(Close seen) {
        closeQueued = true;
        writer.close(seen.code() == CloseCodes.NO_STATUS ? CloseCodes.NORMAL : seen.code(), seen.reason());
    }

    /** The message whose end a close answer waited for did not end in time: the answer goes now. */
    private void answerDeferred() {
        Close seen;
        Sent held;
        synchronized (this) {
            seen = deferredAnswer;
            deferredAnswer = null;
            if (seen == null || ended) {
                return;
            }
            answerLocked(seen);
            held = takeWaiting();
        }
        complete(held);
        report(seen);
        flush();
    }

    /**
     * The peer broke the protocol: it is sent the code of its fault, and the relay is told so
     * (a client's fault goes on to the backend as it is; a backend's reaches the client as 1014).
     */
    final void refused(Violation violation) {
        LOG.log(Level.DEBUG, () -> "relay [" + relay.id() + "]: " + side.label() + " broke the protocol: "
                + violation.reason() + "; closing it with " + violation.code());
        inbound.stop();
        Sent held;
        synchronized (this) {
            closeRead = true;
            if (!closeQueued) {
                closeQueued = true;
                writer.close(violation.code(), violation.reason());
            }
            held = takeWaiting();
        }
        complete(held);
        report(side == Side.CLIENT ? new Close(violation.code(), violation.reason())
                : new Close(CloseCodes.BAD_GATEWAY, "backend broke the protocol: " + violation.reason()));
        flush();
    }

    /** The peer ended the connection, or reading it failed: no close frame will come. */
    final void readEnded(IOException error) {
        if (error != null) {
            LOG.log(Level.DEBUG, () -> "relay [" + relay.id() + "]: reading the " + side.label() + " failed: " + error);
        }
        end();
        report(Close.dropped());
    }

    // ---- ending

    @Override
    final void writeFailed(IOException error) {
        readEnded(error);
    }

    private void closeUnanswered() {
        synchronized (this) {
            if (ended) {
                return;
            }
        }
        LOG.log(Level.DEBUG, () -> "relay [" + relay.id() + "]: the " + side.label() + " did not answer the close within "
                + CLOSE_ANSWER_MILLIS + " ms; ending its connection");
        abort();
    }

    @Override
    public synchronized String toString() {
        return getClass().getSimpleName() + "[ended " + ended + ", closeQueued " + closeQueued + ", closeRead " + closeRead
                + ", reported " + reported + ", writing " + writing + ", pending " + writer.pending() + ", waiting " + (waiting != null)
                + ", paused " + paused + ", deferred " + deferredAnswer + "]";
    }

    /** Where a leg's bytes come from: reads into {@code into} without waiting. */
    @FunctionalInterface
    interface ReadSource {
        /** @return bytes read (the position moved past them), 0 for none now, -1 at the end of the stream */
        int read(ByteBuffer into) throws IOException;
    }

    /** What arrived with the connection, before any read (the backend's first frames behind its 101). */
    final void startWith(ByteBuffer leftover) {
        if (leftover.hasRemaining()) {
            readBuffer = ByteBuffer.allocate(leftover.remaining()).put(leftover).flip();
        }
    }

    /**
     * Reads and processes on the reading thread until the source has nothing more now, the leg
     * pauses (what was read and not processed is kept for the next call), or the connection ends.
     * An idle leg gives its read buffer back.
     *
     * @return true when reading stopped because the leg paused: the source may hold more, which a
     *         reader resumed meanwhile must read itself (a source with buffers of its own, as
     *         Tomcat's TLS channel, announces nothing for bytes it already holds)
     */
    final boolean readFrom(ReadSource source) {
        return readFrom(source, 0);
    }

    /**
     * @return as {@link #readFrom(ReadSource)}
     * @param drainedBelow a read of fewer bytes means the socket had no more (a socket's read, which
     *                     returns what the kernel holds up to what was asked): the next read is left
     *                     to the selector, saving the system call that would only find nothing; 0
     *                     to read until a read finds nothing
     */
    final boolean readFrom(ReadSource source, int drainedBelow) {
        boolean drained = false;
        boolean pausedHere = false;
        try {
            while (!isEnded()) {
                if (paused) {
                    pausedHere = true;
                    break;
                }
                if (unprocessed()) {
                    if (!process(readBuffer != null ? readBuffer : EMPTY)) {
                        pausedHere = !inbound.done();
                        break;
                    }
                    continue;
                }
                if (drained) {
                    break;
                }
                if (readBuffer == null || readBuffer.capacity() != READ_SIZE) {
                    readBuffer = READ_BUFFERS.take();
                }
                readBuffer.clear();
                int n = source.read(readBuffer);
                readBuffer.flip();
                if (n < 0) {
                    readEnded(null);
                    break;
                }
                if (n == 0) {
                    break;
                }
                drained = n < drainedBelow;
            }
        } catch (IOException e) {
            readEnded(e);
        }
        if (isEnded()) {
            inbound.release();
        }
        if (readBuffer != null && (!readBuffer.hasRemaining() || isEnded())) {
            READ_BUFFERS.give(readBuffer);
            readBuffer = null;
        }
        return pausedHere && !isEnded();
    }

    /** True while bytes read (or inflated) wait to be processed. Reading thread only. */
    final boolean unprocessed() {
        return (readBuffer != null && readBuffer.hasRemaining()) || inbound.draining();
    }

    /**
     * Reads the frames in {@code in}, on the reading thread.
     *
     * @return true to go on reading; false when the leg paused, or the peer's close or fault was read
     */
    final boolean process(ByteBuffer in) {
        Violation violation = inbound.read(in);
        if (violation != null) {
            refused(violation);
            return false;
        }
        return !paused && !inbound.closed();
    }

    /** After a read: what it brought goes out on the other leg, and a pong it made owed on this one. */
    final void afterRead() {
        FrameLeg other = partner;
        if (other != null) {
            other.flush();
        }
        flush();
    }

    private void report(Close close) {
        synchronized (this) {
            if (reported) {
                return;
            }
            reported = true;
        }
        relay.closed(side, close);
    }
}
