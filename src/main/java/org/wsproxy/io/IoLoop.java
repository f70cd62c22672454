package org.wsproxy.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * One selector and the thread that runs it: the frame engine's backend connections are read, and
 * their stalled writes finished, here. A connection is registered with one loop for its whole life,
 * so its reads are always on the same thread.
 * <p>
 * Other threads hand work over with {@link #execute}; a task runs on the loop thread after the
 * ready keys of the current turn. Threads: the loop thread owns the selector's keys; {@link #tasks}
 * is the one way in.
 */
public final class IoLoop implements AutoCloseable {

    private static final Logger LOG = System.getLogger(IoLoop.class.getName());

    /** What a registered channel is told when it is ready. Runs on the loop thread. */
    public interface Handler {
        /** @param readyOps the key's ready set: OP_READ, OP_WRITE or both */
        void ready(int readyOps);

        /** The loop is stopping: the channel is closed, its connection gone. */
        void loopClosed();
    }

    /**
     * How long the loop thread is waited for when the application stops: the loop only selects and
     * runs short tasks, so it ends within a turn; a loop that does not is reported, not waited on
     * forever, as the container's undeploy waits for us.
     */
    private static final long STOP_WAIT_MILLIS = 5000;

    private final Selector selector;
    private final Thread thread;
    /** Work handed to the loop thread by any thread; run by the loop thread only. */
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Set once by {@link #close()}, from the stopping application's thread; read by the loop thread. */
    private volatile boolean stopping;

    public IoLoop(String name) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for [" + name + "]", e);
        }
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** True on this loop's own thread. */
    private boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on the loop thread, after the keys of the current turn. */
    public void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop()) {
            selector.wakeup();
        }
    }

    /**
     * Registers {@code channel} (non-blocking) with no interest yet; its interest is then changed on
     * the loop thread only. Any thread (since JDK 11 a registration does not wait for a select in
     * progress).
     *
     * @throws ClosedChannelException if the channel was closed meanwhile
     */
    public SelectionKey register(SelectableChannel channel, Handler handler) throws ClosedChannelException {
        return channel.register(selector, 0, handler);
    }

    private void run() {
        try {
            while (!stopping) {
                // A task queued by the loop itself (no wakeup) must not wait for the next event.
                if (tasks.isEmpty()) {
                    selector.select(1000);
                } else {
                    selector.selectNow();
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    dispatch(key);
                }
                runTasks();
            }
        } catch (IOException | RuntimeException | Error e) {
            LOG.log(Level.ERROR, "I/O loop [" + thread.getName() + "] failed; its connections are closed", e);
        } finally {
            closeAll();
        }
    }

    private void dispatch(SelectionKey key) {
        Handler handler = (Handler) key.attachment();
        try {
            if (key.isValid()) {
                handler.ready(key.readyOps());
            }
        } catch (CancelledKeyException e) {
            // The connection closed itself during this turn.
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "I/O loop [" + thread.getName() + "]: a connection's handler failed", e);
        }
    }

    private void runTasks() {
        // Only the tasks there now: a task that queues another does not keep the loop from selecting.
        for (int n = tasks.size(); n > 0; n--) {
            Runnable task = tasks.poll();
            if (task == null) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "I/O loop [" + thread.getName() + "]: a task failed", e);
            }
        }
    }

    private void closeAll() {
        runTasks();
        for (SelectionKey key : selector.keys()) {
            try {
                key.channel().close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing a channel of a stopping loop", e);
            }
            if (key.attachment() instanceof Handler handler) {
                try {
                    handler.loopClosed();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "I/O loop [" + thread.getName() + "]: a connection's close failed", e);
                }
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing the selector", e);
        }
    }

    /** Stops the loop and closes its channels; waits for its thread, so that none outlives the application. */
    @Override
    public void close() {
        stopping = true;
        selector.wakeup();
        if (inLoop()) {
            return;
        }
        try {
            thread.join(TimeUnit.MILLISECONDS.toMillis(STOP_WAIT_MILLIS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.log(Level.WARNING, "I/O loop [" + thread.getName() + "] did not stop within " + STOP_WAIT_MILLIS + " ms");
        }
    }
}
