package org.wsproxy.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Scenario f: one client sends 64 KiB binary messages as fast as the proxy takes them into the
 * backend's {@code /slow} endpoint, which reads 1 MiB/s. A proxy that buffers instead of pushing
 * back grows without bound; one that pushes back stops reading the client.
 */
final class FloodLoad implements Workload {

    private final LoadLoop loop;
    private final ByteBuffer frame;
    private final long frameBytes;
    private long until;
    private ClientConn conn;
    long sentBytes;
    private boolean finished;

    FloodLoad(LoadLoop loop) {
        this.loop = loop;
        this.frame = WsFrames.maskedFrame(WsFrames.OP_BINARY, new byte[64 * 1024], new byte[] {9, 8, 7, 6});
        this.frameBytes = 64 * 1024;
    }

    boolean run(InetSocketAddress address, String path, long durationNanos) throws IOException {
        until = System.nanoTime() + durationNanos;
        conn = new ClientConn(loop, address, path, this);
        loop.run(this, until + 30_000_000_000L);
        return loop.failures() == 0;
    }

    @Override
    public void onOpen(ClientConn c) throws IOException {
        onWritable(c);
    }

    @Override
    public void onWritable(ClientConn c) throws IOException {
        while (!c.writesPending() && System.nanoTime() < until) {
            c.send(frame);
            sentBytes += frameBytes;
        }
    }

    @Override
    public long tick(long nanos) throws IOException {
        if (nanos >= until && !finished && conn.state == ClientConn.State.OPEN) {
            // A close frame queued behind the flood would wait for megabytes the slow backend has
            // yet to read: drop the connection instead, as a client that gives up would.
            finished = true;
            conn.closed();
        }
        return until;
    }

    @Override
    public void onClosed(ClientConn c) {
        if (!finished) {
            loop.failure(c, "flood connection closed early (close code " + c.closeCode + ")");
        }
        finished = true;
    }

    @Override
    public boolean done() {
        return finished;
    }
}
