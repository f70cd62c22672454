package org.wsproxy.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS over a socket channel with an {@link SSLEngine}: a wss:// backend's connection. The handshake
 * runs blocking, on the dialing thread, within a deadline ({@link #handshake}); from then on the
 * channel may be non-blocking, and {@link #read} and {@link #write} do what the socket allows now.
 * <p>
 * Buffers: the encrypted bytes in either direction are held in pooled buffers only while a record
 * is incomplete (in) or not yet written (out), so that an idle connection holds none.
 * <p>
 * Threads: one thread reads at a time (the owner of the reading side); writing, and the engine's
 * own handshake messages, happen under this object's lock, which is taken inside the writer's own
 * and never the other way round.
 */
public final class TlsChannel {

    /**
     * Room for one TLS record as it travels (16 KiB of plaintext, header, padding, tag):
     * SSLSession.getPacketBufferSize() is 16,709 bytes on the JDK; a larger one is not pooled.
     */
    private static final int PACKET = 17 * 1024;
    private static final BufferPool PACKETS = new BufferPool(PACKET, 256);
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private final SocketChannel channel;
    private final int packetSize;

    /** Owned by the reading thread: encrypted bytes read and not yet decrypted, in write mode; null while none. */
    private ByteBuffer netIn;
    /** Owned by the reading thread: plaintext that did not fit the caller's buffer, in read mode; null while none. */
    private ByteBuffer spill;
    /** Owned by the reading thread: the blocking source while the connection is being dialed, then null. */
    private InputStream blockingIn;
    /** Owned by the reading thread: the deadline of blocking reads ({@link System#nanoTime()}). */
    private long deadline;
    /** Guarded by this: encrypted bytes not yet written, in read mode; null while none. */
    private ByteBuffer netOut;

    /**
     * @param engine    a client-mode engine for the backend's host and port
     * @param channel connected, blocking until the handshake and the dial are done
     */
    public TlsChannel(SSLEngine engine, SocketChannel channel) throws IOException {
        this.engine = engine;
        this.channel = channel;
        this.packetSize = engine.getSession().getPacketBufferSize();
        this.blockingIn = channel.socket().getInputStream();
    }

    /**
     * The TLS handshake, on the blocking channel.
     *
     * @param deadline the time ({@link System#nanoTime()}) by which it must be done
     * @throws SocketTimeoutException when the deadline passed
     * @throws SSLException           when the handshake failed (untrusted certificate, no common protocol ...)
     */
    public void handshake(long deadline) throws IOException {
        this.deadline = deadline;
        try {
            engine.beginHandshake();
            handshakeSteps();
        } catch (SSLException e) {
            sendAlert();
            throw e;
        }
    }

    private void handshakeSteps() throws IOException {
        while (true) {
            HandshakeStatus status = engine.getHandshakeStatus();
            switch (status) {
                case NEED_WRAP -> {
                    synchronized (this) {
                        wrapLocked(NOTHING);
                        flushLocked();
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    // Plaintext cannot come before the handshake ends; if some did, the spill keeps it.
                    SSLEngineResult result = netIn == null || netIn.position() == 0 ? null : unwrap(NOTHING);
                    if (result != null && result.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new SSLException("backend closed TLS during the handshake");
                    }
                    boolean stuck = result == null || result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                            || result.bytesConsumed() == 0;
                    if (stuck && rawRead() < 0) {
                        throw new EOFException("backend closed the connection during the TLS handshake");
                    }
                }
                case NEED_TASK -> runTasks();
                default -> {
                    releaseIdle();
                    return;
                }
            }
        }
    }

    /**
     * After a failed handshake the engine holds the alert that says why (certificate_unknown ...):
     * the peer is told, rather than left to guess from a closed connection.
     */
    private synchronized void sendAlert() {
        try {
            engine.closeOutbound();
            // An alert is one record; the bound only keeps an engine that keeps asking from looping.
            for (int i = 0; i < 4 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
                wrapLocked(NOTHING);
                flushLocked();
            }
        } catch (IOException | RuntimeException e) {
            // The connection is closed next anyway.
        }
    }

    /** Reads blocking within {@code deadline} from now on (the handshake answer); see {@link #nonBlocking}. */
    public void deadline(long deadline) {
        this.deadline = deadline;
    }

    /** The dial is done and the channel non-blocking: reads take what the socket has now. */
    public void nonBlocking() {
        blockingIn = null;
    }

    /**
     * Decrypts into {@code dst} what has arrived: blocking while dialing (until some plaintext,
     * within the deadline), else without waiting.
     *
     * @return plaintext bytes put into dst; 0 when none has arrived; -1 at the end of the stream
     *         (the peer's close_notify, or the connection closed)
     */
    public int read(ByteBuffer dst) throws IOException {
        int start = dst.position();
        boolean end = false;
        takeSpill(dst);
        while (dst.hasRemaining() && spill == null) {
            if (netIn != null && netIn.position() > 0) {
                SSLEngineResult result = unwrap(dst);
                switch (result.getStatus()) {
                    case OK -> {
                        afterUnwrap(result);
                        if (result.bytesConsumed() > 0 || result.bytesProduced() > 0) {
                            continue;
                        }
                    }
                    case CLOSED -> end = true;
                    case BUFFER_OVERFLOW -> throw new SSLException("TLS record with more plaintext than "
                            + engine.getSession().getApplicationBufferSize() + " bytes");
                    default -> {
                        // BUFFER_UNDERFLOW: the record is not whole yet; read more.
                    }
                }
                if (end) {
                    break;
                }
            }
            if (dst.position() > start && blockingIn != null) {
                break;
            }
            int n = rawRead();
            if (n < 0) {
                end = true;
                break;
            }
            if (n == 0) {
                break;
            }
        }
        releaseIdle();
        int produced = dst.position() - start;
        return produced == 0 && end ? -1 : produced;
    }

    /**
     * Encrypts and writes {@code src} as far as the socket takes it now (blocking while dialing).
     * One writer at a time: the caller holds its connection's write lock.
     *
     * @return true when everything, src and what an earlier call left, is on the socket; false when
     *         the socket is full: call again (with what is left of src) once it is writable
     */
    public synchronized boolean write(ByteBuffer src) throws IOException {
        if (!flushLocked()) {
            return false;
        }
        while (src.hasRemaining()) {
            if (wrapLocked(src) == 0) {
                // The engine wants to read first: a renegotiation, which wsproxy does not do.
                throw new SSLException("the backend asked for a TLS renegotiation, which is not supported");
            }
            if (!flushLocked()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes what an earlier {@link #write} could not.
     *
     * @return true when nothing is left to write
     */
    public synchronized boolean flush() throws IOException {
        return flushLocked();
    }

    /**
     * Ends TLS and the connection: a close_notify goes out if the socket takes it at once (it is a
     * courtesy: the WebSocket close handshake already ended the conversation).
     */
    public void close() {
        synchronized (this) {
            try {
                engine.closeOutbound();
                if (netOut == null && channel.isOpen()) {
                    wrapLocked(NOTHING);
                    flushLocked();
                }
            } catch (IOException | RuntimeException e) {
                // The connection closes anyway.
            }
            PACKETS.give(netOut);
            netOut = null;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing more to do.
        }
    }

    /**
     * Closes a backend connection: through its TLS (a close_notify when the socket takes it), or the
     * plain socket when there is none.
     *
     * @param tls null for a plain connection
     */
    public static void close(SocketChannel channel, TlsChannel tls) {
        if (tls != null) {
            tls.close();
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Closing only: nothing more to do.
        }
    }

    // ---- reading side

    private SSLEngineResult unwrap(ByteBuffer dst) throws IOException {
        netIn.flip();
        // The engine wants room for a whole record's plaintext, estimated from its length, which a
        // full record's exceeds 16 KiB by a few bytes: what dst has no room for goes to the spill,
        // for the next read. (Empty whenever this is called: read fills dst before its spill.)
        ByteBuffer extra = spill != null ? spill : take(engine.getSession().getApplicationBufferSize());
        extra.clear();
        SSLEngineResult result;
        try {
            result = engine.unwrap(netIn, new ByteBuffer[] {dst, extra});
        } finally {
            netIn.compact();
        }
        extra.flip();
        spill = extra;
        if (!extra.hasRemaining()) {
            giveSpill();
        }
        return result;
    }

    /** Handshake messages after the handshake (TLS 1.3 session tickets, key updates). */
    private void afterUnwrap(SSLEngineResult result) throws IOException {
        HandshakeStatus status = result.getHandshakeStatus();
        if (status == HandshakeStatus.NEED_TASK) {
            runTasks();
        } else if (status == HandshakeStatus.NEED_WRAP) {
            synchronized (this) {
                if (netOut == null) {
                    wrapLocked(NOTHING);
                    flushLocked();
                }
                // Else it goes out with the next write, which wraps what the engine owes first.
            }
        }
    }

    private void takeSpill(ByteBuffer dst) {
        if (spill == null) {
            return;
        }
        int n = Math.min(dst.remaining(), spill.remaining());
        ByteBuffer part = spill.duplicate();
        part.limit(part.position() + n);
        dst.put(part);
        spill.position(spill.position() + n);
        if (!spill.hasRemaining()) {
            giveSpill();
        }
    }

    private void giveSpill() {
        PACKETS.give(spill);
        spill = null;
    }

    private static ByteBuffer take(int size) {
        return size <= PACKET ? PACKETS.take() : ByteBuffer.allocate(size);
    }

    /** @return bytes read into netIn, 0 for none now, -1 at the end of the stream */
    private int rawRead() throws IOException {
        if (netIn == null) {
            netIn = take(packetSize);
        }
        if (!netIn.hasRemaining()) {
            throw new SSLException("TLS record larger than " + netIn.capacity() + " bytes");
        }
        if (blockingIn == null) {
            return channel.read(netIn);
        }
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("connectTimeout");
        }
        channel.socket().setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        int n = blockingIn.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
        if (n > 0) {
            netIn.position(netIn.position() + n);
        }
        return n;
    }

    /** Gives back the read buffers that hold nothing. */
    private void releaseIdle() {
        if (netIn != null && netIn.position() == 0) {
            PACKETS.give(netIn);
            netIn = null;
        }
    }

    private void runTasks() {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    // ---- writing side, under this object's lock

    /** @return the bytes of src consumed */
    private int wrapLocked(ByteBuffer src) throws IOException {
        if (netOut == null) {
            netOut = take(packetSize);
        }
        netOut.clear();
        SSLEngineResult result = engine.wrap(src, netOut);
        netOut.flip();
        if (result.getStatus() == SSLEngineResult.Status.CLOSED && result.bytesProduced() == 0) {
            throw new SSLException("TLS to the backend is closed");
        }
        if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
            runTasks();
        }
        if (!netOut.hasRemaining()) {
            PACKETS.give(netOut);
            netOut = null;
        }
        return result.bytesConsumed();
    }

    private boolean flushLocked() throws IOException {
        if (netOut == null) {
            return true;
        }
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) {
                return false;
            }
        }
        PACKETS.give(netOut);
        netOut = null;
        return true;
    }
}
