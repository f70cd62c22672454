package org.wsproxy.pool;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.wsproxy.config.Route;

/**
 * The active health check (option healthCheckInterval): each backend of a route that sets it is
 * probed that often, the first time as the application starts. A probe that gets an answer puts
 * its backend back in rotation at once; one that fails counts as a failed connect (see
 * {@link Backend}), so a dead backend stays out without a client paying for a try.
 * <p>
 * One backend's probes never overlap: each schedules the next when it ends, so a backend slower to
 * answer than the interval is probed less often, never by a pile of probes. Probes run on their own
 * executor, as each can take up to connectTimeout; the scheduler only keeps the time.
 * <p>
 * Thread-safe: started once, stopped once; the probes' futures are guarded by {@code this}.
 */
public final class HealthChecks {

    private static final Logger LOG = System.getLogger(HealthChecks.class.getName());

    /** Probes one backend. */
    @FunctionalInterface
    public interface Probe {
        /**
         * Opens a connection to the backend and closes it again, within the route's connectTimeout.
         *
         * @return null when the backend answered, else what went wrong
         */
        String probe(Route route, Backend backend);
    }

    private final List<BackendPool> pools;
    private final ScheduledExecutorService scheduler;
    private final Executor runner;
    private final Probe probe;
    /** Guarded by {@code this}: the next probe of each backend; cleared by stop. */
    private final List<ScheduledFuture<?>> scheduled = new ArrayList<>();
    /** Guarded by {@code this}. */
    private boolean stopped;

    /**
     * @param scheduler keeps the time; the tasks it runs only hand the probes to {@code runner}
     * @param runner    runs the probes
     */
    public HealthChecks(List<BackendPool> pools, ScheduledExecutorService scheduler, Executor runner, Probe probe) {
        this.pools = pools;
        this.scheduler = scheduler;
        this.runner = runner;
        this.probe = probe;
    }

    /** True when some route has healthCheckInterval set. */
    public static boolean wanted(List<BackendPool> pools) {
        return pools.stream().anyMatch(pool -> !pool.route().healthCheckInterval().isZero());
    }

    /** The number of backends probed: enough threads to probe them all at once. */
    public static int probedBackends(List<BackendPool> pools) {
        return pools.stream().filter(pool -> !pool.route().healthCheckInterval().isZero())
                .mapToInt(pool -> pool.backends().size()).sum();
    }

    /** Probes every backend of every route with health checks now, and then every interval. */
    public synchronized void start() {
        for (BackendPool pool : pools) {
            Duration interval = pool.route().healthCheckInterval();
            if (interval.isZero()) {
                continue;
            }
            for (Backend backend : pool.backends()) {
                schedule(pool.route(), backend, Duration.ZERO);
            }
        }
    }

    /** No probe starts after this; a probe running now finishes, and its result still counts. */
    public synchronized void stop() {
        stopped = true;
        for (ScheduledFuture<?> future : scheduled) {
            future.cancel(false);
        }
        scheduled.clear();
    }

    private synchronized void schedule(Route route, Backend backend, Duration delay) {
        if (stopped) {
            return;
        }
        scheduled.removeIf(ScheduledFuture::isDone);
        try {
            scheduled.add(scheduler.schedule(() -> runner.execute(() -> run(route, backend)),
                    delay.toNanos(), TimeUnit.NANOSECONDS));
        } catch (RejectedExecutionException e) {
            // The application is stopping and its scheduler is gone: nothing left to probe for.
        }
    }

    private void run(Route route, Backend backend) {
        try {
            String failure = probe.probe(route, backend);
            if (failure == null) {
                backend.succeeded();
            } else {
                LOG.log(Level.DEBUG, () -> "route [" + route.name() + "]: health check of backend [" + backend + "]: " + failure);
                backend.failed("health check: " + failure);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "route [" + route.name() + "]: health check of backend [" + backend + "] failed", e);
        } finally {
            schedule(route, backend, route.healthCheckInterval());
        }
    }
}
