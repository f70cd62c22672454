package org.wsproxy.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The open relays of one application, so that stopping the application can close every one of
 * them with 1001 on both legs, at once or spread over each route's drainTime. Thread-safe: relays
 * come and go on container and backend threads.
 */
public final class RelayRegistry implements RelayListener {

    /**
     * Open relays, each with the drainTime of its route. A concurrent map, changed by any thread;
     * its monitor is what the waits of a stop wait on, notified at each removal.
     */
    private final Map<Relay, Duration> open = new ConcurrentHashMap<>();

    /** @param drainTime the drainTime of the relay's route; {@link Duration#ZERO} = closed at once on stop */
    public void add(Relay relay, Duration drainTime) {
        open.put(relay, drainTime);
    }

    /** The relays open now (including those whose client leg is still opening), in no particular order. */
    public List<Relay> open() {
        return List.copyOf(open.keySet());
    }

    @Override
    public void relayClosed(Relay relay, ClosedConnection closed) {
        synchronized (open) {
            open.remove(relay);
            open.notifyAll();
        }
    }

    public int size() {
        return open.size();
    }

    /** Closes both legs of every open relay with {@code reason}. */
    public void closeAll(Close reason) {
        for (Relay relay : open.keySet().toArray(new Relay[0])) {
            relay.end(reason);
        }
    }

    /**
     * Closes both legs of every open relay with {@code reason}, the relays of each drainTime spread
     * evenly over it: relay i of n at i * drainTime / n from now, so that the first goes at once and
     * clients reconnect at a steady rate rather than all in the same second. Routes drain side by
     * side; relays with a drainTime of 0 close at once. A relay that closed by itself meanwhile is
     * skipped, and the drain ends as soon as no relay is left; relays added after the call began
     * are closed at the end.
     * <p>
     * Blocks the calling thread (the container's, stopping the application) for the longest
     * drainTime (at most 5 minutes, see the option), plus the time the closes themselves take when a
     * peer is slow to take its close frame; a close that is late for that reason is made at once.
     *
     * @throws InterruptedException when interrupted; the relays not yet closed are left open for the caller
     */
    public void drain(Close reason) throws InterruptedException {
        long start = System.nanoTime();
        Map<Relay, Duration> snapshot = Map.copyOf(open);
        for (Planned planned : plan(snapshot)) {
            if (!awaitTurn(start + planned.afterNanos)) {
                break;
            }
            if (open.containsKey(planned.relay)) {
                planned.relay.end(reason);
            }
        }
        // Each relay is closed once: a second close of a backend session still in its closing
        // handshake is not something to rely on.
        for (Relay relay : open.keySet().toArray(new Relay[0])) {
            if (!snapshot.containsKey(relay)) {
                relay.end(reason);
            }
        }
    }

    /**
     * Waits until {@code atNanos} (a {@link System#nanoTime()}), or until no relay is left open,
     * so that a drain whose clients have all left by themselves ends early.
     *
     * @return false if no relay is left
     */
    private boolean awaitTurn(long atNanos) throws InterruptedException {
        synchronized (open) {
            while (!open.isEmpty()) {
                long left = atNanos - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                TimeUnit.NANOSECONDS.timedWait(open, left);
            }
            return false;
        }
    }

    /** When each relay is closed, earliest first. */
    private static List<Planned> plan(Map<Relay, Duration> relays) {
        Map<Duration, List<Relay>> byDrainTime = new HashMap<>();
        relays.forEach((relay, drainTime) -> byDrainTime.computeIfAbsent(drainTime, d -> new ArrayList<>()).add(relay));
        List<Planned> plan = new ArrayList<>(relays.size());
        byDrainTime.forEach((drainTime, group) -> {
            long step = drainTime.toNanos() / group.size();
            for (int i = 0; i < group.size(); i++) {
                plan.add(new Planned(group.get(i), i * step));
            }
        });
        plan.sort(Comparator.comparingLong(Planned::afterNanos));
        return plan;
    }

    private record Planned(Relay relay, long afterNanos) {
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
