package org.wsproxy.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;

/**
 * The load generator: one selector thread (the caller's) driving every client connection. One
 * thread is enough (the direct run shows it) and leaves the second core to the backend and the proxy.
 */
final class LoadLoop implements AutoCloseable {

    final Selector selector;
    /** Shared by every connection: frames are parsed straight out of it, never copied. */
    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private int failures;
    private String firstFailure;

    LoadLoop() throws IOException {
        selector = Selector.open();
    }

    long now() {
        return System.nanoTime();
    }

    void failure(ClientConn conn, String why) {
        if (failures++ == 0) {
            firstFailure = why;
        }
    }

    int failures() {
        return failures;
    }

    String firstFailure() {
        return firstFailure;
    }

    /** Runs until the workload is done or the deadline passes; returns whether it finished. */
    boolean run(Workload workload, long deadlineNanos) throws IOException {
        long next = workload.tick(System.nanoTime());
        while (!workload.done()) {
            long now = System.nanoTime();
            if (now >= deadlineNanos) {
                return false;
            }
            long wake = Math.min(next, deadlineNanos);
            long waitMs = (wake - now) / 1_000_000;
            if (wake <= now) {
                selector.selectNow();
            } else {
                selector.select(Math.max(1, waitMs));
            }
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                ClientConn conn = (ClientConn) key.attachment();
                try {
                    if (key.isValid()) {
                        conn.ready();
                    }
                } catch (IOException e) {
                    failure(conn, e.toString());
                    conn.closed();
                }
            }
            next = workload.tick(System.nanoTime());
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
    }
}
