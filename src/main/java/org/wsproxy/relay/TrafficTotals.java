package org.wsproxy.relay;

import java.util.concurrent.atomic.LongAdder;

/**
 * Messages and bytes passed on in one direction by many relays together, such as every connection
 * to one backend, for metrics and the status page: counters that only grow, also while their
 * connections are open.
 * <p>
 * Thread-safe: every relay's delivery threads add to it at once. A {@link LongAdder} keeps that
 * from becoming one contended cache line on the hot path.
 */
public final class TrafficTotals {

    private final LongAdder messages = new LongAdder();
    private final LongAdder bytes = new LongAdder();

    void passed(long partBytes, boolean last) {
        bytes.add(partBytes);
        if (last) {
            messages.increment();
        }
    }

    public long messages() {
        return messages.sum();
    }

    public long bytes() {
        return bytes.sum();
    }
}
