package org.wsproxy.pool;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.wsproxy.relay.TrafficTotals;

/**
 * One backend of a route: its URL, whether it is in rotation, and what goes through it.
 * <p>
 * Out of rotation, as nginx's max_fails and fail_timeout: after {@code maxFails} failed connects in
 * a row (refused, timed out, TLS failed; a backend that answers with an HTTP status has not failed)
 * it gets no new connections for {@code failTimeout}. Then it is tried again by the next
 * connection: one success puts it back, one more failure takes it out for another failTimeout. With
 * health checks on, a probe that gets an answer puts it back at once, and a probe that fails counts
 * as a failed connect, so a dead backend stays out without costing a client a try.
 * <p>
 * Thread-safe: connections on request threads and probes on the health check's threads report
 * here at once. The failure state is guarded by {@code this}; the counters are atomic.
 */
public final class Backend {

    private static final Logger LOG = System.getLogger(Backend.class.getName());

    private final String routeName;
    private final URI uri;
    private final int maxFails;
    private final Duration failTimeout;
    /**
     * The route's only backend: never out of rotation for its connections (see BackendPool), so its
     * comings and goings are not logged as such; each failed handshake is logged by the route.
     */
    private final boolean alone;

    private final TrafficTotals in = new TrafficTotals();
    private final TrafficTotals out = new TrafficTotals();
    /** Connections open or opening to this backend, for least-connections and the status page. */
    private final AtomicInteger open = new AtomicInteger();
    /** Failed connects and probes since the application started. */
    private final AtomicLong failures = new AtomicLong();

    /** Guarded by {@code this}: failed connects since the last success. */
    private int failsInARow;
    /** Guarded by {@code this}: taken out of rotation, until {@link #downUntilNanos} or a success. */
    private boolean down;
    /** Guarded by {@code this}: a {@link System#nanoTime()}; meaningful while {@link #down}. */
    private long downUntilNanos;
    /** Guarded by {@code this}: the last failure; null before the first. */
    private Failure lastFailure;

    /**
     * A failed connect or probe.
     *
     * @param at  when it failed
     * @param why what went wrong, as logged
     */
    public record Failure(Instant at, String why) {
    }

    Backend(String routeName, URI uri, int maxFails, Duration failTimeout, boolean alone) {
        this.routeName = routeName;
        this.uri = uri;
        this.maxFails = maxFails;
        this.failTimeout = failTimeout;
        this.alone = alone;
    }

    /** The backend's URL as configured (with its port made explicit). */
    public URI uri() {
        return uri;
    }

    /** True while the backend gets new connections (also when it is on trial again after failTimeout). */
    public synchronized boolean up() {
        return inRotation(System.nanoTime());
    }

    synchronized boolean inRotation(long nowNanos) {
        return !down || nowNanos - downUntilNanos >= 0;
    }

    /** Connections open or opening now. */
    public int openConnections() {
        return open.get();
    }

    /** Failed connects and failed probes since the application started. */
    public long failures() {
        return failures.get();
    }

    /** The last connect or probe that failed; empty if none has. */
    public synchronized Optional<Failure> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** Client-to-backend traffic of every connection to this backend. */
    public TrafficTotals in() {
        return in;
    }

    /** Backend-to-client traffic of every connection to this backend. */
    public TrafficTotals out() {
        return out;
    }

    /** A connection to this backend is being opened; {@link #released()} follows when it closes. */
    public void opening() {
        open.incrementAndGet();
    }

    public void released() {
        open.decrementAndGet();
    }

    /** A connect or probe got an answer: back in rotation, failures forgotten. */
    public void succeeded() {
        boolean cameBack;
        synchronized (this) {
            cameBack = down;
            down = false;
            failsInARow = 0;
        }
        if (cameBack && !alone) {
            LOG.log(Level.INFO, () -> "route [" + routeName + "]: backend [" + uri + "] answers again; back in rotation");
        }
    }

    /**
     * A connect or probe failed; out of rotation once this makes {@code maxFails} in a row.
     *
     * @param why what went wrong, for the log and the status page
     */
    public void failed(String why) {
        failures.incrementAndGet();
        boolean wentDown;
        synchronized (this) {
            lastFailure = new Failure(Instant.now(), why);
            failsInARow++;
            if (failsInARow < maxFails) {
                return;
            }
            long now = System.nanoTime();
            wentDown = inRotation(now);
            down = true;
            downUntilNanos = now + failTimeout.toNanos();
        }
        if (wentDown && !alone) {
            LOG.log(Level.WARNING, () -> "route [" + routeName + "]: backend [" + uri + "] is out of rotation for " + failTimeout
                    + " after " + maxFails + " failed connect" + (maxFails == 1 ? "" : "s") + " in a row: " + why);
        }
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
