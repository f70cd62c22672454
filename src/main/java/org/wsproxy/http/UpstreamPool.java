package org.wsproxy.http;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Idle keep-alive connections to a route's backends, reused for later requests to the same
 * backend, as nginx's upstream keepalive does.
 * <p>
 * Thread-safe: guarded by {@code this}.
 */
public final class UpstreamPool {

    /**
     * Idle connections kept per backend: enough for the polling requests of many clients to reuse
     * connections, few enough that a burst does not leave hundreds of sockets open on either side.
     */
    static final int MAX_IDLE_PER_BACKEND = 32;
    /**
     * How long an idle connection is kept: below node's 5 s keep-alive timeout, the shortest in
     * common use, so that wsproxy rarely sends a request on a connection the backend is closing.
     * (A backend closing an idle connection earlier is seen by its loop and the connection dropped.)
     */
    static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(4);

    private final Map<String, ArrayDeque<Upstream>> idle = new HashMap<>();
    private boolean closed;

    /** An idle connection to the backend of {@code key}, taken out of the pool; null when there is none. */
    Upstream take(String key) {
        List<Upstream> stale = new ArrayList<>();
        Upstream found = null;
        synchronized (this) {
            ArrayDeque<Upstream> queue = idle.get(key);
            long now = System.nanoTime();
            while (queue != null && !queue.isEmpty()) {
                // The most recently used first: the likeliest to be open still.
                Upstream candidate = queue.pollLast();
                candidate.idleIn = null;
                if (now - candidate.idleSince < MAX_IDLE_NANOS && candidate.open()) {
                    found = candidate;
                    break;
                }
                stale.add(candidate);
            }
        }
        stale.forEach(Upstream::close);
        return found;
    }

    /** The request on {@code upstream} ended cleanly: it waits for the next one, or is closed. */
    void give(Upstream upstream) {
        Upstream evicted = null;
        synchronized (this) {
            if (!closed && upstream.open()) {
                ArrayDeque<Upstream> queue = idle.computeIfAbsent(upstream.poolKey, k -> new ArrayDeque<>());
                if (queue.size() >= MAX_IDLE_PER_BACKEND) {
                    evicted = queue.pollFirst();
                    evicted.idleIn = null;
                }
                upstream.idleSince = System.nanoTime();
                upstream.reused = true;
                upstream.idleIn = this;
                upstream.serve(null);
                queue.addLast(upstream);
                upstream.watchReads(true);
                upstream = null;
            }
        }
        if (evicted != null) {
            evicted.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    synchronized void remove(Upstream upstream) {
        ArrayDeque<Upstream> queue = idle.get(upstream.poolKey);
        if (queue != null) {
            queue.remove(upstream);
        }
        upstream.idleIn = null;
    }

    /** Idle connections right now, for tests and the status page. */
    public synchronized int idleCount() {
        return idle.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    /** The application stops: every idle connection is closed, and none is kept from now on. */
    public void close() {
        List<Upstream> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (ArrayDeque<Upstream> queue : idle.values()) {
                for (Iterator<Upstream> it = queue.iterator(); it.hasNext(); ) {
                    all.add(it.next());
                }
            }
            idle.clear();
        }
        all.forEach(Upstream::close);
    }
}
