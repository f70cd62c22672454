package org.wsproxy.relay;

/**
 * Messages and bytes passed on in one direction of a relay, for the access log and anything else
 * that reports on connections while they are open.
 * <p>
 * One writer: only the delivery thread of the source leg counts (a container delivers one
 * session's messages one at a time and publishes each delivery to the next), so the
 * read-modify-write needs no atomic operation. The fields are volatile so that any other thread
 * reads recent values; the two may be a part apart. The hot path pays one or two volatile writes
 * per message part, and the adds to its backend's {@link TrafficTotals}: no lock, no allocation.
 */
public final class Traffic {

    /** What this relay's direction adds to: every connection of its backend, in the same direction. */
    private final TrafficTotals totals;

    /** Messages whose last part was passed on; written by the source leg's delivery thread only. */
    private volatile long messages;
    /**
     * Payload bytes passed on (text as UTF-8, before any permessage-deflate); written by the source
     * leg's delivery thread only.
     */
    private volatile long bytes;

    /**
     * A part of {@code partBytes} bytes is being passed on; {@code last} if it ends its message.
     * Counted as the send begins (see Direction), so a part whose send fails, as its connection
     * ends, is counted too.
     */
    Traffic(TrafficTotals totals) {
        this.totals = totals;
    }

    void passed(long partBytes, boolean last) {
        totals.passed(partBytes, last);
        bytes = bytes + partBytes;
        if (last) {
            messages = messages + 1;
        }
    }

    public long messages() {
        return messages;
    }

    public long bytes() {
        return bytes;
    }
}
