package org.wsproxy.relay;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.websocket.CloseReason;

/**
 * The open relays of one application, so that stopping the application can close every one of
 * them with 1001 on both legs. Thread-safe: relays come and go on container and backend threads.
 */
public final class RelayRegistry implements RelayListener {

    private final Set<Relay> open = ConcurrentHashMap.newKeySet();

    public void add(Relay relay) {
        open.add(relay);
    }

    @Override
    public void relayClosed(Relay relay) {
        synchronized (open) {
            open.remove(relay);
            open.notifyAll();
        }
    }

    public int size() {
        return open.size();
    }

    /** Closes both legs of every open relay with {@code reason}. */
    public void closeAll(CloseReason reason) {
        for (Relay relay : open.toArray(new Relay[0])) {
            relay.closeBoth(reason);
        }
    }

    /**
     * Waits until every relay has seen both legs closed, or until {@code limit} has passed.
     *
     * @return true if none is left
     */
    public boolean awaitEmpty(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (open) {
            while (!open.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                open.wait(Math.max(1, left / 1_000_000));
            }
        }
        return true;
    }
}
