package org.wsproxy.relay;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the relays' idle, ping and handoff checks. One scheduler thread keeps the time; the checks
 * run on another executor, because a check can block: a ping or a close frame to a peer that has
 * stopped reading waits until the container gives up on the write (on Tomcat, 5 s for a close as
 * wsproxy sets it, and its blocking send timeout, 20 s by default, for a ping). Run on the
 * scheduler thread, one stalled connection would hold up the checks of every other connection
 * (found by FaultsTest, where three stalled clients delayed a healthy client's pings by 5 s).
 */
public final class RelayTimer {

    private final ScheduledExecutorService scheduler;
    private final Executor runner;

    /**
     * @param scheduler only keeps time: the tasks it runs just hand the checks to {@code runner}
     * @param runner    runs the checks, possibly several at once (one relay's checks never overlap:
     *                  each schedules the next when it ends)
     */
    public RelayTimer(ScheduledExecutorService scheduler, Executor runner) {
        this.scheduler = scheduler;
        this.runner = runner;
    }

    public ScheduledFuture<?> schedule(Runnable check, long delay, TimeUnit unit) {
        return scheduler.schedule(() -> runner.execute(check), delay, unit);
    }
}
