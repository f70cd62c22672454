package org.wsproxy.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.wsproxy.relay.Close;
import org.wsproxy.relay.CloseCodes;
import org.wsproxy.relay.Relay;
import org.wsproxy.relay.RelayTimer;
import org.wsproxy.relay.Side;

/**
 * The frame engine's client leg on Tomcat: the upgraded socket read in Tomcat's dispatches and
 * written without blocking ({@link TomcatUpgrade} says why not through the servlet API).
 * <p>
 * Reading happens only in Tomcat's dispatches, which Tomcat runs one at a time per socket. A
 * dispatch reads until the client has nothing more, then answers UPGRADED (Tomcat polls the
 * socket again), or until the leg paused, then answers SUSPENDED (Tomcat leaves the socket alone)
 * and {@link #resumeReading()} asks Tomcat for a dispatch. {@link #readState} makes sure a resume
 * that races with the end of a dispatch is not lost.
 * <p>
 * Writes come from any thread under the leg's lock; a write Tomcat cannot finish at once is
 * finished in an OPEN_WRITE dispatch, which completes the held send.
 * <p>
 * On a plain (not TLS) NIO connector the leg reads and writes Tomcat's channel itself: Tomcat's
 * own read and write go through its socket buffers (socket.appReadBufSize, appWriteBufSize: 8 KiB
 * by default, 4 KiB where memory per connection matters), one system call per buffer, and copy
 * into them; through the channel one call carries up to 16 KiB read, or everything that waits.
 * Tomcat leaves the timeouts of an upgraded connection to it, so reads it does not see cost
 * nothing there. What Tomcat's buffers still hold (bytes that came with the upgrade request) is
 * read through Tomcat first; TLS connections stay on Tomcat's path, which decrypts.
 */
final class TomcatLeg extends FrameLeg implements Wire {

    /** No dispatch is reading, and Tomcat polls the socket (or will). */
    private static final int IDLE = 0;
    /** A dispatch is reading. */
    private static final int READING = 1;
    /** No dispatch is reading, and none will come until {@link #resumeReading()} asks for it. */
    private static final int SUSPENDED = 2;

    private final SocketLeg backend;
    private final AtomicInteger readState = new AtomicInteger(IDLE);
    /** Set once by {@link #open}, before Tomcat's first dispatch. */
    private volatile SocketWrapperBase<?> socket;
    /** Set once by {@link #open}: Tomcat's plain channel, read and written directly; null on TLS or another connector. */
    private volatile NioChannel channel;
    /**
     * Set by {@link #open}: a read of fewer bytes emptied the socket. Tomcat reads at most its read
     * buffer's capacity (socket.appReadBufSize) at a time, and no more than was asked.
     */
    private volatile int drainedBelow;

    TomcatLeg(Relay relay, RelayTimer timer, SocketLeg backend, DeflateParams deflate, long inflateLimit) {
        super(relay, Side.CLIENT, timer, null, true, deflate, inflateLimit);
        this.backend = backend;
        this.partner = backend;
        backend.partner = this;
    }

    /** Tomcat handed the connection over: the leg opens, then the backend is read. */
    void open(SocketWrapperBase<?> upgraded) {
        socket = upgraded;
        Object carried = upgraded.getSocket();
        channel = carried != null && carried.getClass() == NioChannel.class ? (NioChannel) carried : null;
        drainedBelow = channel != null ? READ_SIZE
                : Math.min(READ_SIZE, upgraded.getSocketBufferHandler().getReadBuffer().capacity());
        attach(this);
        relay.clientOpened(this);
        backend.start();
    }

    void destroyed() {
        readEnded(null);
    }

    SocketState dispatch(SocketEvent event) {
        switch (event) {
            case OPEN_READ:
                return read();
            case OPEN_WRITE:
                try {
                    socket.flush(false);
                    if (socket.isReadyForWrite()) {
                        writable();
                    }
                } catch (IOException e) {
                    readEnded(e);
                }
                return isEnded() ? SocketState.CLOSED : SocketState.UPGRADED;
            case STOP:
                // The connector is stopping before the application could drain: the client is told so.
                close(new Close(CloseCodes.GOING_AWAY, "server stopping"));
                return isEnded() ? SocketState.CLOSED : SocketState.UPGRADED;
            default:
                // ERROR, DISCONNECT, TIMEOUT, CONNECT_FAIL: the connection is gone.
                readEnded(null);
                return SocketState.CLOSED;
        }
    }

    private SocketState read() {
        readState.set(READING);
        while (true) {
            readSome();
            afterRead();
            if (isEnded()) {
                return SocketState.CLOSED;
            }
            if (!paused) {
                if (unprocessed()) {
                    continue; // resumed while writing what was read: what is left here goes on now
                }
                readState.set(IDLE);
                return SocketState.UPGRADED;
            }
            readState.set(SUSPENDED);
            // A resume between the pause and here found READING and left the reading to us.
            if (paused || !readState.compareAndSet(SUSPENDED, READING)) {
                return SocketState.SUSPENDED;
            }
        }
    }

    private void readSome() {
        readFrom(this::readSocket, drainedBelow);
    }

    private int readSocket(ByteBuffer into) throws IOException {
        NioChannel direct = channel;
        if (direct == null || !socket.getSocketBufferHandler().isReadBufferEmpty()) {
            return socket.read(false, into);
        }
        return direct.read(into);
    }

    @Override
    public void resumeReading() {
        paused = false;
        if (readState.compareAndSet(SUSPENDED, READING)) {
            socket.processSocket(SocketEvent.OPEN_READ, true);
        }
    }

    @Override
    public boolean write(ByteBuffer bytes) throws IOException {
        SocketWrapperBase<?> upgraded = socket;
        NioChannel direct = channel;
        if (direct != null && !upgraded.hasDataToWrite()) {
            while (bytes.hasRemaining()) {
                if (direct.write(bytes) == 0) {
                    // Tomcat dispatches OPEN_WRITE once the socket takes more.
                    upgraded.registerWriteInterest();
                    return false;
                }
            }
            return true;
        }
        // Non-blocking: Tomcat takes every byte, writes what the socket takes and keeps the rest.
        upgraded.write(false, bytes);
        upgraded.flush(false);
        // When not ready, Tomcat registers for write and dispatches OPEN_WRITE once it is.
        return upgraded.isReadyForWrite();
    }

    @Override
    public void close() {
        SocketWrapperBase<?> upgraded = socket;
        if (upgraded != null) {
            upgraded.close();
        }
    }
}
