package org.wsproxy.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.HdrHistogram.Histogram;

/**
 * Scenario d: {@code concurrency} clients in parallel, each in a loop of connect, handshake, one
 * 64-byte message echoed, close 1000 (answered), TCP closed by the server. Counts the connections
 * completed in the measured window. The client waits for the server's FIN before closing, so the
 * TIME_WAIT sockets stay on the server side as RFC 6455 intends and the client's ephemeral ports
 * (32768-60999 here) are not used up.
 */
final class ConnectLoad implements Workload {

    private final LoadLoop loop;
    private final InetSocketAddress address;
    private final String path;
    private final int concurrency;
    private final ByteBuffer frame;
    private long measureStart;
    private long measureEnd;
    private long stopOpening;
    private int live;
    long completed;
    /** Every connection that ended, warm-up included: the divisor of the proxy's CPU time. */
    long total;
    long failed;
    final Histogram connectLatency = new Histogram(60_000_000_000L, 3);

    ConnectLoad(LoadLoop loop, InetSocketAddress address, String path, int concurrency) {
        this.loop = loop;
        this.address = address;
        this.path = path;
        this.concurrency = concurrency;
        this.frame = WsFrames.maskedFrame(WsFrames.OP_TEXT, new byte[64], new byte[] {1, 2, 3, 4});
    }

    boolean run(long warmupNanos, long measureNanos) throws IOException {
        long now = System.nanoTime();
        measureStart = now + warmupNanos;
        measureEnd = measureStart + measureNanos;
        stopOpening = measureEnd;
        for (int i = 0; i < concurrency; i++) {
            start();
        }
        return loop.run(this, measureEnd + 30_000_000_000L);
    }

    private void start() throws IOException {
        live++;
        new ClientConn(loop, address, path, this);
    }

    @Override
    public int maxInFlight() {
        return 1;
    }

    @Override
    public void onOpen(ClientConn conn) throws IOException {
        conn.queue(frame);
        conn.flush();
    }

    @Override
    public void onMessage(ClientConn conn, long nanos) throws IOException {
        conn.sendClose(1000);
    }

    @Override
    public void onClosed(ClientConn conn) throws IOException {
        live--;
        total++;
        long now = System.nanoTime();
        boolean ok = conn.closeCode == 1000;
        if (now >= measureStart && now < measureEnd) {
            if (ok) {
                completed++;
                connectLatency.recordValue(Math.min(now - conn.connectedAt, connectLatency.getHighestTrackableValue()));
            } else {
                failed++;
            }
        }
        if (now < stopOpening) {
            start();
        }
    }

    @Override
    public long tick(long nanos) {
        return stopOpening;
    }

    @Override
    public boolean done() {
        return live == 0;
    }

    double seconds() {
        return (measureEnd - measureStart) / 1e9;
    }
}
