package org.wsproxy.relay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;

/**
 * Serializes everything written to one session.
 * <p>
 * Messages towards a session come from the other leg's delivery thread, pings from the timer
 * thread. Containers refuse concurrent sends (Tomcat throws IllegalStateException), so each write
 * holds {@link #lock}. The sends are blocking on purpose: while a part of a message is being
 * written to a slow peer, the delivery thread of the fast peer waits here, the container stops
 * reading from the fast peer, and TCP pushes back on it. That caps the bytes in flight per direction
 * at one message part (one container read buffer or one backend frame).
 */
final class SessionSender {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Session session;
    /** The leg this session is, for the relay's log. */
    private final Side side;
    private final RemoteEndpoint.Basic remote;
    /** Run after every write to this session, on the writing thread (see {@link Relay#backendOpened}). */
    private final Runnable afterWrite;
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * When the last write to this session completed ({@link System#nanoTime()}): the peer took
     * those bytes, so it is alive even if it never sends anything. Written by writing threads,
     * read by the timer thread.
     */
    private volatile long lastWriteDone = System.nanoTime();

    SessionSender(Session session, Side side, Runnable afterWrite) {
        this.session = session;
        this.side = side;
        this.remote = session.getBasicRemote();
        this.afterWrite = afterWrite;
    }

    void sendText(String part, boolean last) throws IOException {
        lock.lock();
        try {
            remote.sendText(part, last);
            lastWriteDone = System.nanoTime();
        } finally {
            lock.unlock();
            afterWrite.run();
        }
    }

    void sendBinary(ByteBuffer part, boolean last) throws IOException {
        lock.lock();
        try {
            remote.sendBinary(part, last);
            lastWriteDone = System.nanoTime();
        } finally {
            lock.unlock();
            afterWrite.run();
        }
    }

    Side side() {
        return side;
    }

    long lastWriteDone() {
        return lastWriteDone;
    }

    /**
     * Asks the peer for a sign of life: a ping, or nothing when a message part is being written to
     * it, as that write completing is the sign. Pings may fall between the parts of a message
     * (RFC 6455 section 5.4): a peer that stalls in the middle of a message must be found as surely
     * as an idle one.
     *
     * @return false if the session is no longer open, so that no answer can be expected
     */
    boolean probe() throws IOException {
        if (!lock.tryLock()) {
            return true;
        }
        try {
            if (!session.isOpen()) {
                return false;
            }
            remote.sendPing(EMPTY.duplicate());
            return true;
        } finally {
            lock.unlock();
            afterWrite.run();
        }
    }

    /** Closes the session (without the lock: a close must not wait for a message stuck on a slow peer). */
    void close(CloseReason reason) throws IOException {
        try {
            if (session.isOpen()) {
                session.close(reason);
            }
        } finally {
            afterWrite.run();
        }
    }
}
