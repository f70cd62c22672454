package org.wsproxy.status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.wsproxy.config.Route;
import org.wsproxy.pool.Backend;
import org.wsproxy.relay.ClosedConnection;
import org.wsproxy.server.ProxyObserver;

/**
 * The last {@link #CAPACITY} connections that closed, newest first, for the status page.
 * <p>
 * Told of each close on the thread that saw it (see {@link ProxyObserver}), so adding must not
 * block: each close takes the next slot of a ring by an atomic counter and overwrites what was
 * there. No lock: a reader that runs beside a writer may miss the close being written, or see it
 * in the next refresh, which a page refreshed every second does not mind.
 */
final class RecentCloses implements ProxyObserver {

    /**
     * How many closes are kept: a screenful, enough to see what just happened (a backend that
     * restarted, a client that keeps reconnecting), and a fixed few kilobytes however busy the
     * proxy is. Older ones are in the access log.
     */
    static final int CAPACITY = 50;

    /** One close, numbered in the order the closes were reported. */
    record Entry(long sequence, Instant ended, ClosedConnection closed) {
    }

    private final AtomicReferenceArray<Entry> ring = new AtomicReferenceArray<>(CAPACITY);
    /** The sequence number of the next close; also how many closes have been reported. */
    private final AtomicLong next = new AtomicLong();

    @Override
    public void closed(Route route, Backend backend, ClosedConnection closed) {
        long sequence = next.getAndIncrement();
        ring.set((int) (sequence % CAPACITY), new Entry(sequence, closed.started().plus(closed.duration()), closed));
    }

    /** The closes kept, newest first. */
    List<Entry> newestFirst() {
        List<Entry> entries = new ArrayList<>(CAPACITY);
        for (int i = 0; i < CAPACITY; i++) {
            Entry entry = ring.get(i);
            if (entry != null) {
                entries.add(entry);
            }
        }
        entries.sort(Comparator.comparingLong(Entry::sequence).reversed());
        return entries;
    }

    /** Closes reported since the application started. */
    long total() {
        return next.get();
    }
}
