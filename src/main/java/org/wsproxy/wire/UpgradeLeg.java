package org.wsproxy.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.WebConnection;

import org.wsproxy.frames.DeflateParams;
import org.wsproxy.relay.Relay;
import org.wsproxy.relay.RelayTimer;
import org.wsproxy.relay.Side;

/**
 * The frame engine's client leg: the connection the container handed over by its HTTP upgrade,
 * read and written with the servlet API's non-blocking I/O. The client's frames must be masked;
 * frames to it are not.
 * <p>
 * Threads: the container calls {@link #onDataAvailable} and {@link #onWritePossible} on its own
 * threads; a leg paused for backpressure is read again by the thread that resumes it (the backend
 * leg's loop), as the container calls onDataAvailable only after {@code isReady()} said false. One
 * thread reads at a time ({@link #reading}); writes are under the leg's lock ({@link FrameLeg}).
 * <p>
 * What containers need beyond the servlet API:
 * <ul>
 * <li>Grizzly (GlassFish 7 and 8, Payara 6) sends the 101 only when the response is flushed (its
 *     upgrade suspends the response and calls init right after the servlet returns, nothing sent),
 *     and calls the listeners only once {@code isReady()} was asked (glassfish-grizzly #2281): there
 *     the leg flushes and reads at once as it opens, there only: a response flushed before the
 *     servlet returned made Jetty 12.1 refuse the upgrade ("Cannot upgrade committed response"),
 *     and a read before Open Liberty's first onDataAvailable raced with its own first read ("Buffer
 *     has already been released" in UpgradeInputByteBufferUtil).</li>
 * <li>Undertow (WildFly 39, Undertow 2.3.23): the non-blocking {@code write(b, off, len)} of its
 *     upgraded stream writes all of {@code b}, whatever {@code off} and {@code len} say, so it is
 *     given arrays that hold exactly the bytes to write.</li>
 * </ul>
 * Open Liberty 26 reads on after every onDataAvailable, whatever the listener wants, which a leg
 * paused for backpressure cannot live with: server.Engines keeps it on jsr356.
 */
public final class UpgradeLeg extends FrameLeg implements ReadListener, WriteListener, Wire {

    private final SocketLeg backend;
    /** The connection is Grizzly's: flush the 101 and ask isReady() as the leg opens. */
    private final boolean grizzly;

    /** Set by {@link #open}, before any listener can run. */
    private volatile WebConnection connection;
    private volatile ServletInputStream in;
    private volatile ServletOutputStream out;
    /** Set by {@link #open}: the output stream writes whole arrays only (Undertow's). */
    private volatile boolean wholeArrays;

    /** Held by the thread reading. */
    private final AtomicBoolean reading = new AtomicBoolean();
    /** Set by a thread that found another reading: that one reads again before it lets go. */
    private volatile boolean readAgain;

    /**
     * @param deflate      permessage-deflate as negotiated with the client, null for none
     * @param inflateLimit the most bytes a compressed message from the client may inflate to
     * @param grizzly      the container's connection is Grizzly's (GlassFish, Payara)
     */
    public UpgradeLeg(Relay relay, RelayTimer timer, SocketLeg backend, DeflateParams deflate, long inflateLimit,
                      boolean grizzly) {
        super(relay, Side.CLIENT, timer, null, true, deflate, inflateLimit);
        this.backend = backend;
        this.grizzly = grizzly;
        this.partner = backend;
        backend.partner = this;
    }

    /** The container upgraded the connection: the leg opens, then the backend is read. */
    void open(WebConnection upgraded) throws IOException {
        connection = upgraded;
        in = upgraded.getInputStream();
        out = upgraded.getOutputStream();
        wholeArrays = out.getClass().getName().startsWith("io.undertow.");
        attach(this);
        // Writing first: the relay may close this leg as it opens (it was ending meanwhile).
        out.setWriteListener(this);
        if (grizzly && out.isReady()) {
            out.flush(); // the 101
        }
        relay.clientOpened(this);
        // Reading once the relay is open: what the client sent with its handshake has somewhere to go.
        in.setReadListener(this);
        backend.start();
        if (grizzly) {
            readSome();
        }
    }

    /** The container destroyed the upgraded connection. */
    void destroyed() {
        readEnded(null);
    }

    @Override
    public void onDataAvailable() {
        readSome();
    }

    @Override
    public void onAllDataRead() {
        readEnded(null);
    }

    @Override
    public void onError(Throwable t) {
        readEnded(t instanceof IOException io ? io : new IOException(t));
    }

    @Override
    public void onWritePossible() {
        writable();
    }

    @Override
    public void resumeReading() {
        paused = false;
        readSome();
    }

    private void readSome() {
        readAgain = true;
        while (readAgain && reading.compareAndSet(false, true)) {
            readAgain = false;
            try {
                readLoop();
            } finally {
                reading.set(false);
            }
            afterRead();
        }
    }

    /** Holds {@link #reading}. */
    private void readLoop() {
        ServletInputStream stream = in;
        if (stream == null) {
            return;
        }
        readFrom(into -> {
            try {
                if (stream.isFinished() || !stream.isReady()) {
                    return 0; // the container calls onDataAvailable once there is more
                }
                int n = stream.read(into.array(), into.arrayOffset() + into.position(), into.remaining());
                if (n > 0) {
                    into.position(into.position() + n);
                }
                return n;
            } catch (IllegalStateException e) {
                throw new IOException(e);
            }
        });
    }

    @Override
    public boolean write(ByteBuffer bytes) throws IOException {
        ServletOutputStream stream = out;
        if (!stream.isReady()) {
            return false;
        }
        if (wholeArrays && (bytes.arrayOffset() + bytes.position() != 0 || bytes.remaining() != bytes.array().length)) {
            byte[] exact = new byte[bytes.remaining()];
            bytes.get(exact);
            stream.write(exact, 0, exact.length);
        } else {
            stream.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            bytes.position(bytes.limit());
        }
        if (!stream.isReady()) {
            return false;
        }
        // Containers that buffer the upgraded stream (Jetty, Undertow) send only on flush.
        stream.flush();
        return stream.isReady();
    }

    @Override
    public void close() {
        WebConnection upgraded = connection;
        if (upgraded == null) {
            return;
        }
        try {
            upgraded.close();
        } catch (Exception e) {
            // The connection is going anyway; nothing is left to tell.
        }
    }
}
