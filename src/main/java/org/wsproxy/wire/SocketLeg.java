package org.wsproxy.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import org.wsproxy.frames.DeflateParams;
import org.wsproxy.frames.MaskingKeys;
import org.wsproxy.io.IoLoop;
import org.wsproxy.io.TlsChannel;
import org.wsproxy.relay.Relay;
import org.wsproxy.relay.RelayTimer;
import org.wsproxy.relay.Side;

/**
 * The frame engine's backend leg: a non-blocking socket whose WebSocket handshake is done, read on
 * its {@link IoLoop}, with TLS over it for a wss:// backend. Its frames to the backend are masked;
 * the backend's must not be.
 * <p>
 * Threads: reading, and the selection key's interest, belong to the loop thread; writes come from
 * any thread under the leg's lock ({@link FrameLeg}), and a write the socket cannot take at once
 * asks the loop to say when it can.
 */
public final class SocketLeg extends FrameLeg implements IoLoop.Handler, Wire {

    private final SocketChannel channel;
    /** TLS over the channel for a wss:// backend, else null. */
    private final TlsChannel tls;
    /** What the leg reads: the socket, or the TLS over it. */
    private final ReadSource source;
    private final IoLoop loop;
    /** The channel's key with the loop; its interest is changed on the loop thread only. */
    private final SelectionKey key;

    /**
     * @param channel      a connected socket whose handshake is done, non-blocking from now on
     * @param tls          TLS over the channel, null for none
     * @param leftover     what arrived behind the handshake's answer (frames the backend sent at once)
     * @param deflate      permessage-deflate as the backend accepted it, null for none
     * @param inflateLimit the most bytes a compressed message from the backend may inflate to
     */
    public SocketLeg(Relay relay, RelayTimer timer, MaskingKeys keys, SocketChannel channel, TlsChannel tls,
                     IoLoop loop, ByteBuffer leftover, DeflateParams deflate, long inflateLimit) throws IOException {
        super(relay, Side.BACKEND, timer, keys, false, deflate, inflateLimit);
        this.channel = channel;
        this.tls = tls;
        this.loop = loop;
        channel.configureBlocking(false);
        if (tls != null) {
            tls.nonBlocking();
        }
        this.source = tls != null ? tls::read : channel::read;
        this.key = loop.register(channel, this);
        startWith(leftover);
        attach(this);
    }

    /** The loop this leg is read on; a client leg that owns its socket is read there too. */
    IoLoop loop() {
        return loop;
    }

    /** Starts reading the backend: the client leg is open, so what the backend sends has somewhere to go. */
    void start() {
        loop.execute(() -> {
            if (key.isValid()) {
                key.interestOps(key.interestOps() | SelectionKey.OP_READ);
            }
            read();
        });
    }

    @Override
    public void ready(int readyOps) {
        if ((readyOps & SelectionKey.OP_WRITE) != 0 && tlsFlushed()) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
            writable();
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && key.isValid()) {
            read();
        }
    }

    @Override
    public void loopClosed() {
        readEnded(null);
    }

    /**
     * True when TLS has no record left to write: a write leaves it what the socket did not take,
     * and the leg goes on writing only once it is out.
     */
    private boolean tlsFlushed() {
        if (tls == null) {
            return true;
        }
        try {
            return tls.flush();
        } catch (IOException e) {
            writeFailed(e);
            return false;
        }
    }

    private void read() {
        readFrom(source, READ_SIZE);
        if (paused && key.isValid()) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
        }
        afterRead();
    }

    @Override
    public void resumeReading() {
        loop.execute(() -> {
            paused = false;
            if (key.isValid()) {
                key.interestOps(key.interestOps() | SelectionKey.OP_READ);
                read();
            }
        });
    }

    @Override
    public boolean write(ByteBuffer bytes) throws IOException {
        if (tls != null) {
            if (!tls.write(bytes)) {
                loop.execute(this::awaitWritable);
                return false;
            }
            return true;
        }
        while (bytes.hasRemaining()) {
            if (channel.write(bytes) == 0) {
                loop.execute(this::awaitWritable);
                return false;
            }
        }
        return true;
    }

    private void awaitWritable() {
        if (key.isValid()) {
            key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        }
    }

    @Override
    public void close() {
        TlsChannel.close(channel, tls);
    }
}
