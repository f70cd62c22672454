package org.wsproxy.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.wsproxy.frames.DeflateParams;
import org.wsproxy.io.IoLoop;
import org.wsproxy.relay.Close;
import org.wsproxy.relay.CloseCodes;
import org.wsproxy.relay.Relay;
import org.wsproxy.relay.RelayTimer;
import org.wsproxy.relay.Side;

/**
 * The frame engine's client leg on Tomcat: the upgraded socket, taken over from Tomcat through
 * the interface its own WebSocket server uses ({@link TomcatUpgrade} says why not the servlet API).
 * <p>
 * On a plain (not TLS) NIO connector the leg owns the socket: it is read and written on the I/O
 * loop of its backend leg, as the backend socket is, and Tomcat does not poll it (the upgrade
 * handler says it does its own I/O). A client's frame then goes to the backend on the thread that
 * read it, with no hand-over from Tomcat's poller to its executor, and one system call reads up to
 * 16 KiB or writes every frame that waits (Tomcat's own reads and writes go through its socket
 * buffers, socket.appReadBufSize and appWriteBufSize, one call and one copy per 4-8 KiB). What
 * Tomcat's read buffer still holds (frames that came with the upgrade request) is read through
 * Tomcat first. Tomcat leaves the timeouts of an upgraded connection to it; closing goes through
 * Tomcat, which keeps count of its connections.
 * <p>
 * On a TLS connector (or another connector) Tomcat decrypts, so Tomcat reads: in its dispatches,
 * which it runs one at a time per socket. A dispatch reads until the client has nothing more, then
 * answers UPGRADED (Tomcat polls the socket again), or until the leg paused, then answers SUSPENDED
 * (Tomcat leaves the socket alone) and {@link #resumeReading()} asks Tomcat for a dispatch.
 * {@link #readState} makes sure a resume that races with the end of a dispatch is not lost; a
 * dispatch that paused and was resumed before it ended reads on until a read finds nothing, since
 * Tomcat's buffers may hold bytes no poll will announce. A
 * write Tomcat cannot finish at once is finished in an OPEN_WRITE dispatch.
 * <p>
 * Writes come from any thread under the leg's lock.
 */
final class TomcatLeg extends FrameLeg implements Wire, IoLoop.Handler {

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
    /**
     * Set once by {@link #open}: the socket under Tomcat's plain channel, read and written
     * directly; null on TLS or another connector. The socket itself, not Tomcat's NioChannel:
     * Tomcat reuses a NioChannel for a later connection once this one is closed, while a closed
     * socket only throws.
     */
    private volatile SocketChannel channel;
    /** Set once by {@link #open} when the leg owns the socket: the loop that reads it; else null. */
    private volatile IoLoop loop;
    /** The socket's key with {@link #loop}; its interest is changed on the loop thread only. */
    private volatile SelectionKey key;

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
        channel = carried != null && carried.getClass() == NioChannel.class ? ((NioChannel) carried).getIOChannel() : null;
        attach(this);
        if (channel != null) {
            try {
                key = backend.loop().register(channel, this);
                loop = backend.loop();
            } catch (ClosedChannelException e) {
                channel = null; // The client is gone already: Tomcat's dispatch will say so.
            }
        }
        relay.clientOpened(this);
        backend.start();
        if (loop != null) {
            loop.execute(() -> resumeOnLoop(true));
        }
    }

    /** True when the leg reads the socket itself, so Tomcat must not poll it. Known once {@link #open} ran. */
    boolean ownsSocket() {
        return loop != null;
    }

    void destroyed() {
        readEnded(null);
    }

    SocketState dispatch(SocketEvent event) {
        switch (event) {
            case OPEN_READ:
                // Owned, the socket is read on the loop only; Tomcat is told to leave it alone.
                return ownsSocket() ? SocketState.SUSPENDED : read();
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
            boolean interrupted = readSome();
            afterRead();
            if (isEnded()) {
                return SocketState.CLOSED;
            }
            if (!paused) {
                if (interrupted) {
                    // Resumed while this dispatch was still reading: the resume left the reading to
                    // it. What Tomcat holds already (its TLS channel decrypts ahead into buffers of
                    // its own) no poll will announce, so reading goes on until a read finds nothing.
                    continue;
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

    /**
     * On the owned plain socket a read of fewer bytes than asked emptied it, and the next read is
     * left to the selector. Through Tomcat a short read may leave bytes in Tomcat's own buffers (its
     * TLS channel returns once the next record does not fit), which no poll would announce: there
     * reading goes on until a read finds nothing.
     */
    private boolean readSome() {
        return readFrom(this::readSocket, channel != null ? READ_SIZE : 0);
    }

    // ---- the owned socket, on the loop thread

    @Override
    public void ready(int readyOps) {
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
            writable();
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && key.isValid()) {
            readOnLoop();
        }
    }

    @Override
    public void loopClosed() {
        readEnded(null);
    }

    private void readOnLoop() {
        readSome();
        if (paused && key.isValid()) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
        }
        afterRead();
    }

    /** @param first the first read: what Tomcat read with the upgrade request may be waiting */
    private void resumeOnLoop(boolean first) {
        if (!first) {
            paused = false;
        }
        if (key.isValid() && !paused) {
            key.interestOps(key.interestOps() | SelectionKey.OP_READ);
            readOnLoop();
        }
    }

    private void awaitWritable() {
        if (key.isValid()) {
            key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        }
    }

    private int readSocket(ByteBuffer into) throws IOException {
        SocketChannel direct = channel;
        if (direct == null || !socket.getSocketBufferHandler().isReadBufferEmpty()) {
            return socket.read(false, into);
        }
        return direct.read(into);
    }

    @Override
    public void resumeReading() {
        IoLoop owner = loop;
        if (owner != null) {
            owner.execute(() -> resumeOnLoop(false));
            return;
        }
        paused = false;
        if (readState.compareAndSet(SUSPENDED, READING)) {
            socket.processSocket(SocketEvent.OPEN_READ, true);
        }
    }

    @Override
    public boolean write(ByteBuffer bytes) throws IOException {
        SocketWrapperBase<?> upgraded = socket;
        SocketChannel direct = channel;
        if (direct != null && !upgraded.hasDataToWrite()) {
            while (bytes.hasRemaining()) {
                if (direct.write(bytes) == 0) {
                    IoLoop owner = loop;
                    if (owner != null) {
                        owner.execute(this::awaitWritable);
                    } else {
                        // Tomcat dispatches OPEN_WRITE once the socket takes more.
                        upgraded.registerWriteInterest();
                    }
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
