package org.wsproxy.backend;

import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The executor Tyrus's client sessions schedule their timers on, minus the idle-timeout tasks that
 * would do nothing.
 * <p>
 * A Tyrus session re-arms its idle-timeout task after every message sent and received: it cancels
 * the last one and schedules a new one after its maxIdleTimeout. wsproxy never sets that timeout
 * (a relay runs its own idle timer), so the delay is 0 and each message queued a task for now that
 * woke this executor's thread only to find no timeout set: two queue operations, a cross-thread
 * wake-up and a context switch per message, in profiles the largest cost Tyrus added per message
 * after framing itself. Such a task is not queued; the session gets a future that is already done.
 * A session with a positive idle timeout (never set by wsproxy) would be scheduled as usual.
 */
final class TyrusTimer extends ScheduledThreadPoolExecutor {

    /** Tyrus's idle-timeout task class, or null if this Tyrus version has none of that name. */
    private static final Class<?> IDLE_TIMEOUT_COMMAND = TyrusInternals.IDLE_TIMEOUT_COMMAND;

    TyrusTimer(ClassLoader appClassLoader) {
        super(1, runnable -> {
            Thread thread = new Thread(runnable, "wsproxy-backend-timer");
            thread.setDaemon(true);
            thread.setContextClassLoader(appClassLoader);
            return thread;
        });
        // A re-armed timeout cancels the previous task: cancelled tasks must leave the queue at once.
        setRemoveOnCancelPolicy(true);
        // Started now rather than by the first task, so that a running application always has this one
        // thread: whether a deployment has scheduled anything yet (a closing handshake's grace, say)
        // does not change its thread count, which the redeploy test compares from cycle to cycle.
        prestartCoreThread();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        if (delay <= 0 && command != null && IDLE_TIMEOUT_COMMAND != null && command.getClass() == IDLE_TIMEOUT_COMMAND) {
            // The task would run now and find the session's maxIdleTimeout unset (< 1): nothing to do.
            return NothingScheduled.INSTANCE;
        }
        return super.schedule(command, delay, unit);
    }

    /** The future of a task that was not scheduled: done, with nothing to cancel. */
    private static final class NothingScheduled implements ScheduledFuture<Object> {

        static final NothingScheduled INSTANCE = new NothingScheduled();

        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
