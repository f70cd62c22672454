package org.wsproxy.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario e: opens {@code count} connections (at most {@code pending} handshakes at a time, so no
 * listen backlog overflows), lets them sit idle, then sends one 64-byte message on each and waits
 * for every echo, then closes them all. The caller measures the proxy between the steps.
 */
final class IdleLoad implements Workload {

    enum Step { OPEN, MESSAGE, CLOSE }

    private final LoadLoop loop;
    private final InetSocketAddress address;
    private final String path;
    /** How many connections OPEN opens in all; raised between steps to open more. */
    int count;
    private final int pending;
    private final ByteBuffer frame;
    private final List<ClientConn> conns = new ArrayList<>();
    private Step step = Step.OPEN;
    private int started;
    private int open;
    private int echoed;
    private int closed;

    IdleLoad(LoadLoop loop, InetSocketAddress address, String path, int count, int pending) {
        this.loop = loop;
        this.address = address;
        this.path = path;
        this.count = count;
        this.pending = pending;
        this.frame = WsFrames.maskedFrame(WsFrames.OP_TEXT, new byte[64], new byte[] {5, 6, 7, 8});
    }

    /** Runs one step to its end; false if it did not finish within {@code timeoutNanos}. */
    boolean run(Step next, long timeoutNanos) throws IOException {
        step = next;
        if (step == Step.OPEN) {
            while (started < count && started - open < pending) {
                startOne();
            }
        } else if (step == Step.MESSAGE) {
            for (ClientConn c : conns) {
                c.queue(frame);
                c.flush();
            }
        } else {
            for (ClientConn c : conns) {
                if (c.state == ClientConn.State.OPEN) {
                    c.sendClose(1000);
                }
            }
        }
        return loop.run(this, System.nanoTime() + timeoutNanos);
    }

    private void startOne() throws IOException {
        started++;
        conns.add(new ClientConn(loop, address, path, this));
    }

    @Override
    public int maxInFlight() {
        return 1;
    }

    @Override
    public void onOpen(ClientConn conn) throws IOException {
        open++;
        while (started < count && started - open < pending) {
            startOne();
        }
    }

    @Override
    public void onMessage(ClientConn conn, long nanos) {
        echoed++;
    }

    @Override
    public void onClosed(ClientConn conn) {
        closed++;
        if (step != Step.CLOSE) {
            loop.failure(conn, "connection closed while it should be open (close code " + conn.closeCode + ")");
        }
    }

    @Override
    public boolean done() {
        return switch (step) {
            case OPEN -> open == count || loop.failures() > 0;
            case MESSAGE -> echoed == count || loop.failures() > 0;
            case CLOSE -> closed == started;
        };
    }

    int open() {
        return open;
    }
}
