package org.wsproxy.relay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

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
    private final RemoteEndpoint.Basic remote;
    /** Run after every write to this session, on the writing thread (see {@link Relay#backendOpened}). */
    private final Runnable afterWrite;
    private final ReentrantLock lock = new ReentrantLock();
    /** True between the first and the last part of a message; guarded by {@link #lock}. */
    private boolean messageInProgress;

    SessionSender(Session session, Runnable afterWrite) {
        this.session = session;
        this.remote = session.getBasicRemote();
        this.afterWrite = afterWrite;
    }

    void sendText(String part, boolean last) throws IOException {
        lock.lock();
        try {
            remote.sendText(part, last);
            messageInProgress = !last;
        } finally {
            lock.unlock();
            afterWrite.run();
        }
    }

    void sendBinary(ByteBuffer part, boolean last) throws IOException {
        lock.lock();
        try {
            remote.sendBinary(part, last);
            messageInProgress = !last;
        } finally {
            lock.unlock();
            afterWrite.run();
        }
    }

    /**
     * Sends a ping unless a message is being written: a peer that is receiving data needs no
     * keep-alive, and not interleaving a ping between the parts of a message spares containers
     * that handle that poorly.
     *
     * @return true if a ping was sent
     */
    boolean tryPing() throws IOException {
        if (!lock.tryLock()) {
            return false;
        }
        try {
            if (messageInProgress || !session.isOpen()) {
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
    void close(jakarta.websocket.CloseReason reason) throws java.io.IOException {
        try {
            if (session.isOpen()) {
                session.close(reason);
            }
        } finally {
            afterWrite.run();
        }
    }
}
