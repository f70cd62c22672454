package org.wsproxy.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.HdrHistogram.Histogram;

/**
 * Scenarios a, b and c: {@code connections} connections echo one fixed message. Closed loop (a, c):
 * each connection keeps {@code inFlight} messages outstanding and sends the next when an echo comes
 * back. Open loop (b): messages leave at a fixed total rate whatever the answers do, so the latency
 * of a lightly loaded proxy shows, not its queueing. Latency is the time from the write of a
 * message to the arrival of its echo; echoes come back in order, so each connection keeps its send
 * times in a FIFO.
 */
final class EchoLoad implements Workload {

    private enum Phase { OPENING, WARMUP, MEASURE, DRAIN, CLOSING, DONE }

    private final LoadLoop loop;
    private final int connections;
    private final int opcode;
    private final byte[] payload;
    private final int inFlight;
    private final double ratePerSecond;
    private final long warmupNanos;
    private final long measureNanos;

    private final List<ClientConn> conns = new ArrayList<>();
    private final List<ByteBuffer> frames = new ArrayList<>();
    final Histogram latency = new Histogram(60_000_000_000L, 3);
    private Phase phase = Phase.OPENING;
    private int open;
    private int closed;
    private long phaseEnd;
    private long measureStart;
    private long measureEnd;
    long messages;
    /** Every echo received, warm-up and drain included: the divisor of the proxy's CPU time. */
    long totalMessages;
    long bytes;
    /** Open loop only: sends skipped because a connection already had maxInFlight outstanding. */
    long skipped;
    private long intervalNanos;

    EchoLoad(LoadLoop loop, int connections, int opcode, byte[] payload, int inFlight, double ratePerSecond,
             long warmupNanos, long measureNanos) {
        this.loop = loop;
        this.connections = connections;
        this.opcode = opcode;
        this.payload = payload;
        this.inFlight = inFlight;
        this.ratePerSecond = ratePerSecond;
        this.warmupNanos = warmupNanos;
        this.measureNanos = measureNanos;
    }

    /** Opens the connections and runs the load; false if it did not finish in time. */
    boolean run(InetSocketAddress address, String path) throws IOException {
        for (int i = 0; i < connections; i++) {
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            frames.add(WsFrames.maskedFrame(opcode, payload, mask));
            ClientConn conn = new ClientConn(loop, address, path, this);
            conn.index = i;
            conns.add(conn);
        }
        long budget = warmupNanos + measureNanos + 60_000_000_000L;
        return loop.run(this, System.nanoTime() + budget) && loop.failures() == 0;
    }

    @Override
    public int maxInFlight() {
        return ratePerSecond > 0 ? 4096 : inFlight;
    }

    @Override
    public void onOpen(ClientConn conn) throws IOException {
        if (++open < connections) {
            return;
        }
        long now = System.nanoTime();
        phase = Phase.WARMUP;
        phaseEnd = now + warmupNanos;
        if (ratePerSecond > 0) {
            intervalNanos = (long) (connections * 1e9 / ratePerSecond);
            for (int i = 0; i < conns.size(); i++) {
                conns.get(i).nextDue = now + intervalNanos * i / conns.size();
            }
        } else {
            for (int i = 0; i < conns.size(); i++) {
                ClientConn c = conns.get(i);
                for (int k = 0; k < inFlight; k++) {
                    c.queue(frames.get(i));
                    c.sent.offer(now);
                }
                c.flush();
            }
        }
    }

    @Override
    public void onMessage(ClientConn conn, long nanos) throws IOException {
        long sentAt = conn.sent.poll();
        totalMessages++;
        if (phase == Phase.MEASURE && sentAt >= measureStart) {
            latency.recordValue(Math.min(nanos - sentAt, latency.getHighestTrackableValue()));
            messages++;
        }
        if (ratePerSecond <= 0 && (phase == Phase.WARMUP || phase == Phase.MEASURE)) {
            conn.queue(frames.get(conn.index));
            conn.sent.offer(System.nanoTime());
        }
    }

    @Override
    public void onBytes(ClientConn conn, int n) {
        if (phase == Phase.MEASURE) {
            bytes += n;
        }
    }

    @Override
    public void onClosed(ClientConn conn) {
        closed++;
        if (phase == Phase.OPENING || (phase != Phase.CLOSING && phase != Phase.DONE)) {
            loop.failure(conn, "connection closed during the run (close code " + conn.closeCode + ")");
            phase = Phase.DONE;
        }
        if (closed == connections) {
            phase = Phase.DONE;
        }
    }

    @Override
    public long tick(long now) throws IOException {
        switch (phase) {
            case WARMUP -> {
                if (now >= phaseEnd) {
                    phase = Phase.MEASURE;
                    measureStart = now;
                    phaseEnd = now + measureNanos;
                }
            }
            case MEASURE -> {
                if (now >= phaseEnd) {
                    phase = Phase.DRAIN;
                    measureEnd = now;
                    phaseEnd = now + 10_000_000_000L;
                }
            }
            case DRAIN -> {
                boolean drained = conns.stream().allMatch(c -> c.sent.size() == 0);
                if (drained || now >= phaseEnd) {
                    phase = Phase.CLOSING;
                    for (ClientConn c : conns) {
                        if (c.state == ClientConn.State.OPEN) {
                            c.sendClose(1000);
                        }
                    }
                }
                return now + 1_000_000;
            }
            default -> {
                return Long.MAX_VALUE;
            }
        }
        if (ratePerSecond <= 0) {
            return phaseEnd;
        }
        long next = phaseEnd;
        for (int i = 0; i < conns.size(); i++) {
            ClientConn c = conns.get(i);
            boolean queued = false;
            while (c.nextDue <= now) {
                if (c.sent.offer(now)) {
                    c.queue(frames.get(i));
                    queued = true;
                } else {
                    skipped++;
                }
                c.nextDue += intervalNanos;
            }
            if (queued) {
                c.flush();
            }
            next = Math.min(next, c.nextDue);
        }
        return next;
    }

    @Override
    public boolean done() {
        return phase == Phase.DONE;
    }

    double seconds() {
        return (measureEnd - measureStart) / 1e9;
    }
}
