package org.wsproxy.jsr356;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;

import org.wsproxy.relay.Close;
import org.wsproxy.relay.CloseCodes;
import org.wsproxy.relay.Leg;
import org.wsproxy.relay.Part;

/**
 * A leg over a WebSocket API session, the container's (client leg) or Tyrus's (backend leg).
 * <p>
 * Parts towards a session come from the other leg's delivery thread, pings from the timer thread.
 * Containers refuse concurrent sends (Tomcat throws IllegalStateException), so each write holds
 * {@link #lock}. The sends are blocking on purpose: while a part is being written to a slow peer,
 * the delivery thread of the fast peer waits here, the container stops reading from the fast peer,
 * and TCP pushes back on it. That caps the bytes in flight per direction at one message part (one
 * container read buffer or one backend frame), without {@link #pauseReading}.
 */
final class SessionLeg implements Leg {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Session session;
    private final RemoteEndpoint.Basic remote;
    /** Run after every write to this session, on the writing thread (the backend client may leave per-thread state). */
    private final Runnable afterWrite;
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * When the last write to this session completed ({@link System#nanoTime()}). Written by
     * writing threads, read by the timer thread.
     */
    private volatile long lastWriteDone = System.nanoTime();

    SessionLeg(Session session, Runnable afterWrite) {
        this.session = session;
        this.remote = session.getBasicRemote();
        this.afterWrite = afterWrite;
    }

    /**
     * Tomcat and Tyrus refuse a send with an IllegalStateException once a session's close has begun
     * (a protocol error they detected, or a close frame), and report that close shortly after; the
     * relay forwards it from there. Taking the leg for gone instead would tell the other leg 1001 or
     * 1014 rather than the code the leg closed with: a client's invalid UTF-8 (1007) reached the
     * backend as 1001 whenever a backend message was on its way to the client at that moment.
     * ({@link Session#isOpen()} cannot tell: it may still say true at that point.)
     */
    @Override
    public void send(Part part, Sent done) {
        IOException failure = null;
        lock.lock();
        try {
            if (part.chars() != null) {
                remote.sendText(part.chars(), part.last());
            } else if (part.text()) {
                throw new IllegalArgumentException("the jsr356 engine delivers text as characters");
            } else {
                remote.sendBinary(part.bytes(), part.last());
            }
            lastWriteDone = System.nanoTime();
        } catch (IOException e) {
            failure = e;
        } catch (IllegalStateException closing) {
            // Dropped: the session is closing, and its close will be reported (see above).
        } finally {
            lock.unlock();
            afterWrite.run();
        }
        // Told after the lock is released: a failure ends the relay, which closes both legs.
        if (failure != null) {
            done.failed(failure);
        } else {
            done.sent();
        }
    }

    @Override
    public long lastWriteDone() {
        return lastWriteDone;
    }

    /** Pings may fall between the parts of a message (RFC 6455 section 5.4). */
    @Override
    public boolean probe() throws IOException {
        if (!lock.tryLock()) {
            return true;
        }
        try {
            if (!session.isOpen()) {
                return false;
            }
            remote.sendPing(EMPTY.duplicate());
            return true;
        } catch (IllegalStateException closing) {
            return false;
        } finally {
            lock.unlock();
            afterWrite.run();
        }
    }

    /** Closes the session (without the lock: a close must not wait for a message stuck on a slow peer). */
    @Override
    public void close(Close close) throws IOException {
        try {
            if (session.isOpen()) {
                session.close(CloseCodes.toApi(close));
            }
        } finally {
            afterWrite.run();
        }
    }

    /** The WebSocket API has no way to drop a session's connection; a close that failed twice is all there is. */
    @Override
    public void abort() {
    }
}
