package org.wsproxy.wire;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import org.wsproxy.frames.MaskingKeys;
import org.wsproxy.io.IoLoop;
import org.wsproxy.relay.Relay;
import org.wsproxy.relay.RelayTimer;
import org.wsproxy.relay.Side;

/**
 * The frame engine's backend leg: a non-blocking socket whose WebSocket handshake is done, read on
 * its {@link IoLoop}. Its frames to the backend are masked; the backend's must not be.
 * <p>
 * Threads: reading, and the selection key's interest, belong to the loop thread; writes come from
 * any thread under the leg's lock ({@link FrameLeg}), and a write the socket cannot take at once
 * asks the loop to say when it can.
 */
public final class SocketLeg extends FrameLeg implements IoLoop.Handler, Wire {

    private static final Logger LOG = System.getLogger(SocketLeg.class.getName());

    private final SocketChannel channel;
    private final IoLoop loop;
    /** The channel's key with the loop; its interest is changed on the loop thread only. */
    private final SelectionKey key;

    /**
     * @param channel  a connected socket whose handshake is done, non-blocking from now on
     * @param leftover what arrived behind the handshake's answer (frames the backend sent at once)
     */
    public SocketLeg(Relay relay, RelayTimer timer, MaskingKeys keys, SocketChannel channel, IoLoop loop,
                     ByteBuffer leftover) throws IOException {
        super(relay, Side.BACKEND, timer, keys, false, null, 0);
        this.channel = channel;
        this.loop = loop;
        channel.configureBlocking(false);
        this.key = loop.register(channel, this);
        startWith(leftover);
        attach(this);
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
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
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

    private void read() {
        readFrom(channel::read, READ_SIZE);
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
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing a backend socket", e);
        }
    }
}
