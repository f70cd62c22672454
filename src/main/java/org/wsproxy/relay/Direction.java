package org.wsproxy.relay;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One direction of a relay: the parts one leg delivers, passed to the other leg in order, with the
 * route's maxMessageSize enforced and the traffic counted.
 * <p>
 * Backpressure: a part is passed on only once the previous one was sent. An engine whose send
 * completes before {@link Leg#send} returns (jsr356: blocking sends) holds the delivering thread
 * meanwhile, so the source is not read; for one whose send completes later, the source leg is
 * paused until the target leg says the part was sent. At most one part per direction is in flight.
 * <p>
 * Threads: {@link #pass} runs on the source leg's delivery thread (an engine delivers one leg's
 * parts one at a time and publishes each delivery to the next); {@link #sent} and {@link #failed}
 * on whichever thread completed the write.
 */
final class Direction implements Leg.Sent {

    private static final int IDLE = 0;
    private static final int SENDING = 1;
    private static final int PAUSED = 2;

    private final Relay relay;
    private final Side from;
    /** The route's maxMessageSize in bytes, 0 for unlimited. */
    private final long maxMessageSize;
    /** What this direction passed on; this direction is its only writer. */
    private final Traffic traffic;
    /** IDLE, SENDING (a part is being written), PAUSED (and the source leg was paused for it). */
    private final AtomicInteger sending = new AtomicInteger(IDLE);

    /** Bytes of the current message so far, counted only when maxMessageSize is set; owned by the delivery thread. */
    private long messageBytes;

    Direction(Relay relay, Side from, long maxMessageSize, Traffic traffic) {
        this.relay = relay;
        this.from = from;
        this.maxMessageSize = maxMessageSize;
        this.traffic = traffic;
    }

    Traffic traffic() {
        return traffic;
    }

    void pass(Part part) {
        Leg to = relay.legTowards(from.other());
        if (to == null) {
            return;
        }
        relay.liveness().message(from);
        long size = part.size();
        if (maxMessageSize > 0 && tooBig(size, part.last())) {
            return;
        }
        // Counted before the send: once the other leg has the part, it may answer with a close that
        // ends the relay, and the access log must not be written without it.
        traffic.passed(size, part.last());
        sending.set(SENDING);
        to.send(part, this);
        if (sending.get() == SENDING) {
            // Paused before PAUSED is published: a completion that sees PAUSED then resumes a leg
            // already paused. Published after, a completion on another thread could resume first
            // and the pause would come last, for good (found by the frame engine's flood test).
            Leg source = relay.leg(from);
            source.pauseReading();
            if (!sending.compareAndSet(SENDING, PAUSED)) {
                source.resumeReading();
            }
        }
    }

    @Override
    public void sent() {
        if (sending.getAndSet(IDLE) == PAUSED) {
            relay.leg(from).resumeReading();
        }
    }

    @Override
    public void failed(IOException error) {
        // The source reads again: the relay now closes it, and its peer's answer must be read.
        if (sending.getAndSet(IDLE) == PAUSED) {
            relay.leg(from).resumeReading();
        }
        relay.sendFailed(from.other(), error);
    }

    private boolean tooBig(long partBytes, boolean last) {
        messageBytes += partBytes;
        if (messageBytes > maxMessageSize) {
            relay.tooBig(from, messageBytes);
            return true;
        }
        if (last) {
            messageBytes = 0;
        }
        return false;
    }
}
