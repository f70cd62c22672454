package org.wsproxy.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import org.wsproxy.io.IoLoop;
import org.wsproxy.io.TlsChannel;

/**
 * One connection to a backend for HTTP requests, one request at a time, kept open between them
 * (keep-alive) in an {@link UpstreamPool}. Non-blocking, read on its {@link IoLoop}.
 * <p>
 * Threads: the selection key's interest is changed on the loop thread only; reads happen on the
 * loop thread; writes come from the thread pumping the request body (one at a time).
 */
final class Upstream implements IoLoop.Handler {

    /** What an upstream tells the exchange it serves. Loop thread. */
    interface Listener {
        void readable();

        void writable();

        void closed();
    }

    final String poolKey;
    private final SocketChannel channel;
    /** TLS over the channel for an https:// backend, else null. */
    private final TlsChannel tls;
    private final IoLoop loop;
    private final SelectionKey key;
    /** The exchange served, null while idle in the pool. Set and cleared by the pool and the exchange. */
    private volatile Listener listener;
    /** Set by the pool while idle; see {@link UpstreamPool}. */
    volatile UpstreamPool idleIn;
    /** When this connection went idle ({@link System#nanoTime()}); guarded by the pool's lock. */
    long idleSince;
    /** True once the connection served a request: a failure before any answer may be the backend's keep-alive timeout. */
    boolean reused;

    Upstream(String poolKey, SocketChannel channel, TlsChannel tls, IoLoop loop) throws IOException {
        this.poolKey = poolKey;
        this.channel = channel;
        this.tls = tls;
        this.loop = loop;
        channel.configureBlocking(false);
        if (tls != null) {
            tls.nonBlocking();
        }
        this.key = loop.register(channel, this);
    }

    IoLoop loop() {
        return loop;
    }

    void serve(Listener exchange) {
        listener = exchange;
    }

    /** Any thread: the loop reads when the backend sends. */
    void watchReads(boolean on) {
        loop.execute(() -> {
            if (key.isValid()) {
                key.interestOps(on ? key.interestOps() | SelectionKey.OP_READ : key.interestOps() & ~SelectionKey.OP_READ);
            }
        });
    }

    /** Loop thread: reads are watched, or not (while the client does not take what was read). */
    void readInterest(boolean on) {
        if (key.isValid()) {
            key.interestOps(on ? key.interestOps() | SelectionKey.OP_READ : key.interestOps() & ~SelectionKey.OP_READ);
        }
    }

    /** @return bytes read, 0 for none now, -1 at the end of the stream */
    int read(ByteBuffer into) throws IOException {
        return tls != null ? tls.read(into) : channel.read(into);
    }

    /**
     * Writes without waiting; what the socket does not take now stays in {@code bytes} (in TLS's own
     * buffer for https), and the listener is told once it can take more.
     *
     * @return true when everything was written
     */
    boolean write(ByteBuffer bytes) throws IOException {
        boolean all;
        if (tls != null) {
            all = tls.write(bytes);
        } else {
            while (bytes.hasRemaining() && channel.write(bytes) > 0) {
                // on until the socket takes no more
            }
            all = !bytes.hasRemaining();
        }
        if (!all) {
            loop.execute(() -> {
                if (key.isValid()) {
                    key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
                }
            });
        }
        return all;
    }

    @Override
    public void ready(int readyOps) {
        Listener current = listener;
        if ((readyOps & SelectionKey.OP_WRITE) != 0 && key.isValid()) {
            if (tls != null) {
                try {
                    if (!tls.flush()) {
                        return;
                    }
                } catch (IOException e) {
                    close();
                    if (current != null) {
                        current.closed();
                    }
                    return;
                }
            }
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
            if (current != null) {
                current.writable();
            }
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && key.isValid()) {
            if (current != null) {
                current.readable();
            } else {
                // Idle, the backend closed the connection (its keep-alive timeout) or sent what no
                // request asked for: either way it is not used again.
                UpstreamPool pool = idleIn;
                if (pool != null) {
                    pool.remove(this);
                }
                close();
            }
        }
    }

    @Override
    public void loopClosed() {
        Listener current = listener;
        close();
        if (current != null) {
            current.closed();
        }
    }

    void close() {
        key.cancel();
        TlsChannel.close(channel, tls);
    }

    boolean open() {
        return channel.isOpen();
    }
}
