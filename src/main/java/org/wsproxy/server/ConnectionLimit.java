package org.wsproxy.server;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A route's {@code maxConnections}: how many connections may be open or opening at once. A
 * connection counts from the moment its handshake is let through to the backend until both of its
 * legs have closed, because for all that time it holds a backend connection, which is what the
 * limit protects. Thread-safe: handshakes acquire on container threads, relays release on whichever
 * thread sees their last leg close.
 */
final class ConnectionLimit {

    /** 0 = no limit. */
    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionLimit(int max) {
        this.max = max;
    }

    /** @return true if the connection may proceed, and then {@link #release()} must follow exactly once */
    boolean tryAcquire() {
        while (true) {
            int now = open.get();
            if (max > 0 && now >= max) {
                return false;
            }
            if (open.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void release() {
        open.decrementAndGet();
    }

    int open() {
        return open.get();
    }

    int max() {
        return max;
    }
}
