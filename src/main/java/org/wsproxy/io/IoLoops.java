package org.wsproxy.io;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The frame engine's I/O threads: one {@link IoLoop} per processor, up to {@link #MAX_LOOPS}. A new
 * backend connection goes to the next loop in turn. Created when the application starts, closed
 * when it stops: no thread outlives an undeploy.
 */
public final class IoLoops implements AutoCloseable {

    /**
     * At most this many loops: a loop only moves bytes between sockets, and a few saturate the
     * machine's network before they saturate its processors; more would only cost threads.
     */
    static final int MAX_LOOPS = 4;

    private final IoLoop[] loops;
    private final AtomicInteger next = new AtomicInteger();

    public IoLoops(String name) {
        this(name, Math.min(MAX_LOOPS, Runtime.getRuntime().availableProcessors()));
    }

    IoLoops(String name, int count) {
        loops = new IoLoop[count];
        for (int i = 0; i < count; i++) {
            loops[i] = new IoLoop(name + "-" + (i + 1));
        }
    }

    /** The loop for a new connection. */
    public IoLoop next() {
        return loops[Math.floorMod(next.getAndIncrement(), loops.length)];
    }

    @Override
    public void close() {
        for (IoLoop loop : loops) {
            loop.close();
        }
    }
}
