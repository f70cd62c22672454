package org.wsproxy.relay;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The idle and ping checks of one relay: {@code idleTimeout} ends a connection without messages,
 * {@code pingInterval} finds a leg that stopped answering. A leg is taken as gone when its oldest
 * unanswered probe is two intervals old: one interval alone is too tight, as a GC pause or a busy
 * peer can delay a pong by that much. A probe is a ping, or a write in progress (its completing
 * is the answer): a peer that stalls in the middle of a message must be found as surely as an
 * idle one.
 * <p>
 * Threads: {@link #message} and {@link #heard} on the legs' delivery threads (volatile writes);
 * the checks on the {@link RelayTimer}'s runner, one at a time, as each schedules the next.
 */
final class Liveness {

    private static final Logger LOG = System.getLogger(Liveness.class.getName());

    private final Relay relay;
    private final long idleNanos;
    private final long pingNanos;
    private final RelayTimer timer;

    /** Last time a data message part was seen in either direction. */
    private volatile long lastMessageNanos = System.nanoTime();
    /** Last time any frame (data or pong) was seen from each leg. */
    private volatile long lastHeardClient = System.nanoTime();
    private volatile long lastHeardBackend = System.nanoTime();
    /** When the oldest probe still unanswered went out to each leg, 0 if none; owned by the running check. */
    private long pingSentClient;
    private long pingSentBackend;
    /** When the next ping is due; owned by the running check. */
    private long nextPingNanos;
    /** Guarded by {@code this}: the next check; null when none is scheduled; {@link #stopped} once stopped. */
    private ScheduledFuture<?> next;
    /** Guarded by {@code this}: no check is scheduled after this. */
    private boolean stopped;

    Liveness(Relay relay, Duration idleTimeout, Duration pingInterval, RelayTimer timer) {
        this.relay = relay;
        this.idleNanos = idleTimeout.toNanos();
        this.pingNanos = pingInterval.toNanos();
        this.timer = timer;
    }

    /** Both legs are open: the checks begin. */
    void start() {
        long now = System.nanoTime();
        if (pingNanos > 0) {
            nextPingNanos = now + pingNanos;
        }
        scheduleNext(now);
    }

    /** The relay is ending: no more checks. */
    synchronized void stop() {
        stopped = true;
        if (next != null) {
            next.cancel(false);
            next = null;
        }
    }

    /** A data message part arrived from {@code from}. */
    void message(Side from) {
        long now = System.nanoTime();
        lastMessageNanos = now;
        heardAt(from, now);
    }

    /** A pong arrived from {@code from}. */
    void heard(Side from) {
        heardAt(from, System.nanoTime());
    }

    private void heardAt(Side from, long now) {
        if (from == Side.CLIENT) {
            lastHeardClient = now;
        } else {
            lastHeardBackend = now;
        }
    }

    private synchronized void scheduleNext(long now) {
        if (stopped || (idleNanos == 0 && pingNanos == 0)) {
            return;
        }
        long due = Long.MAX_VALUE;
        if (idleNanos > 0) {
            due = lastMessageNanos + idleNanos;
        }
        if (pingNanos > 0) {
            due = Math.min(due, nextPingNanos);
        }
        next = timer.schedule(this::check, Math.max(0, due - now), TimeUnit.NANOSECONDS);
    }

    private void check() {
        long now = System.nanoTime();
        if (idleNanos > 0 && now - lastMessageNanos >= idleNanos) {
            LOG.log(Level.DEBUG, () -> "relay [" + relay.id() + "]: idle for " + Duration.ofNanos(idleNanos) + "; closing both sides");
            relay.end(new Close(CloseCodes.GOING_AWAY, "idle timeout"));
            return;
        }
        if (pingNanos > 0 && now - nextPingNanos >= 0) {
            Leg client = relay.leg(Side.CLIENT);
            Leg backend = relay.leg(Side.BACKEND);
            pingSentClient = answered(pingSentClient, Math.max(lastHeardClient, client.lastWriteDone()));
            pingSentBackend = answered(pingSentBackend, Math.max(lastHeardBackend, backend.lastWriteDone()));
            if (pingSentClient != 0 && now - pingSentClient >= 2 * pingNanos) {
                relay.fail(Side.CLIENT);
                return;
            }
            if (pingSentBackend != 0 && now - pingSentBackend >= 2 * pingNanos) {
                relay.fail(Side.BACKEND);
                return;
            }
            pingSentClient = probe(client, Side.CLIENT, now, pingSentClient);
            pingSentBackend = probe(backend, Side.BACKEND, now, pingSentBackend);
            nextPingNanos = now + pingNanos;
        }
        scheduleNext(now);
    }

    /**
     * @param lastSign when the leg last gave a sign of life: a frame from it (any, pongs included)
     *                 or a write to it that completed
     * @return 0 if the leg gave a sign of life since {@code pingSent}, else {@code pingSent}
     */
    private static long answered(long pingSent, long lastSign) {
        return pingSent != 0 && lastSign - pingSent >= 0 ? 0 : pingSent;
    }

    /** @return when the oldest unanswered probe of the leg went out, after probing it now */
    private long probe(Leg leg, Side side, long now, long oldestUnanswered) {
        try {
            boolean sent = leg.probe();
            return oldestUnanswered != 0 || !sent ? oldestUnanswered : now;
        } catch (IOException | RuntimeException e) {
            relay.sendFailed(side, e);
            return oldestUnanswered;
        }
    }
}
