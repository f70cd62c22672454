package org.wsproxy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.wsproxy.config.Durations;
import org.wsproxy.support.Measurements;

/**
 * The soak (issue 5): many connections through wsproxy.war in the real Tomcat 10.1 that the build
 * started, for a while, with random messages (1 B to 1 MiB, text and binary) and random closes and
 * reconnects; every message is accounted for, and the proxy's process is back to its baseline of
 * file descriptors, threads and heap at the end.
 * <p>
 * The clients ({@link SoakClients}) and the backend ({@link SoakBackend}, on the port of the
 * deployed {@code /echo} route) run in this JVM; the proxy is Tomcat's own JVM, measured from
 * outside ({@link ProxyProcess}). Each message carries its sequence number and a CRC32, or is
 * compared whole when too short for them ({@link SoakPlan}); the backend checks what reaches it,
 * the client what comes back ({@link SoakCheck}). None may be lost, reordered, duplicated or
 * corrupted, and each close must reach the other side with its code and reason.
 * <p>
 * System properties (pom.xml passes them, with the defaults of {@code mvn verify}):
 * {@code soak.connections} (2000), {@code soak.duration} (30s), {@code soak.rate} (the pace, in
 * messages per second over all connections, 200: each connection pauses connections / rate seconds
 * on average between two messages), {@code soak.seed} (random if empty; printed, so that a failing
 * run can be repeated), {@code soak.poolWait} (how long to wait for the pools to shrink; see
 * {@link #poolWait}). The long version:
 * {@code mvn verify -Dit.test=SoakIT -Dsoak.duration=10m -Dsoak.connections=2000}.
 */
class SoakIT {

    /**
     * A first round on every connection before the baseline, so that what Tomcat and wsproxy create
     * lazily and keep (the backend transport and its pools, Tomcat's caches of connection objects,
     * which fill up to the number of connections seen at once) exists in the baseline.
     */
    private static final Duration WARM_UP = Duration.ofSeconds(5);
    /**
     * Longest the end of a round may take: every connection finishes its session (at most
     * {@link SoakClients#WINDOW} messages of up to 1 MiB still on their way back, then the close).
     */
    private static final Duration DRAIN_LIMIT = Duration.ofMinutes(2);
    /** Longest wait for the backend to see the last sessions end once the clients have. */
    private static final Duration BACKEND_WAIT = Duration.ofSeconds(30);
    /**
     * Longest wait for file descriptors, threads and heap to be back at the baseline once every
     * connection is closed: the proxy closes each backend connection as its client's closes, and
     * Tomcat releases a connection's socket at the end of its close handshake.
     */
    private static final Duration SETTLE = Duration.ofSeconds(30);
    /** Between two looks at the proxy while waiting: each takes three full GCs. */
    private static final Duration POLL = Duration.ofSeconds(5);
    /**
     * File descriptors the proxy may hold beyond the baseline: the jar and log files Tomcat opens
     * lazily (a class first loaded on an error path, a log file of a new day).
     */
    private static final int FD_SLACK = 4;
    /**
     * Live heap beyond the baseline, in KiB. The pools' threads that have not left yet keep their
     * Thread objects and thread-local buffers: 169 more of them than at the baseline held 8.8 MiB
     * more (2,000 connections). A leak of 1 KiB per session would exceed this in the long version
     * (tens of thousands of sessions), one of a relay per session (about 60 KiB) in 300 sessions.
     */
    private static final long HEAP_SLACK_KIB = 16 * 1024;
    /** A session sends 1 to this many messages, then closes: most connections reconnect several times. */
    private static final int MAX_MESSAGES_PER_SESSION = 8;

    @Test
    void everyMessageArrivesOnceInOrderAndUndamagedAndTheProxyReturnsToItsBaseline() throws Exception {
        int connections = Integer.parseInt(setting("soak.connections", "2000"));
        Duration duration = Durations.parsePositive(setting("soak.duration", "30s"));
        double rate = Double.parseDouble(setting("soak.rate", "200"));
        String seedText = setting("soak.seed", "");
        long seed = seedText.isEmpty() ? System.nanoTime() : Long.parseLong(seedText);
        Duration poolWait = poolWait(duration);
        System.out.printf("soak: %d connections, %s, %.0f messages/s, seed %d (-Dsoak.seed=%d repeats this run)%n",
                connections, duration, rate, seed, seed);

        ProxyProcess proxy = ProxyProcess.withCatalinaBase(Path.of(Deployment.property("it.tomcat.base")));
        Deployment tomcat = Deployment.tomcat();
        SoakPlan plan = new SoakPlan(seed, MAX_MESSAGES_PER_SESSION);
        try (SoakBackend backend = new SoakBackend(Deployment.backendPort(), plan)) {
            Instant warmUpStart = Instant.now();
            SoakLedger warmUp = round(tomcat, backend, plan, 0, connections, WARM_UP, rate);
            System.out.println("soak: warm-up took " + Duration.between(warmUpStart, Instant.now()).toMillis() + " ms: " + warmUp);
            assertClean("warm-up", warmUp);
            ProxyProcess.Sample baseline = proxy.sample();
            System.out.println("soak: baseline " + baseline + "; threads " + baseline.threadKinds());

            Peaks peaks = new Peaks(proxy);
            Instant start = Instant.now();
            SoakLedger soak;
            try {
                soak = round(tomcat, backend, plan, 1, connections, duration, rate);
            } finally {
                peaks.stop();
            }
            Duration took = Duration.between(start, Instant.now());
            System.out.println("soak: " + soak);
            assertClean("soak", soak);

            ProxyProcess.Sample after = settle(proxy, baseline, poolWait);
            Measurements.record(String.format("soak %s (%s with the end of the sessions), %d connections, seed %d: %,d sessions"
                    + " (%,d closed by the client, %,d by the backend; close answers the backend could not write: %d),"
                    + " %,d messages (%.1f MiB) each way, lost 0, reordered 0,"
                    + " duplicated 0, corrupted 0; proxy before: %s; peak: %d fds, %d threads, heap %.0f MiB; after: %s",
                    duration, took.withNanos(0), connections, seed, soak.sessions.sum(), soak.clientCloses.sum(),
                    soak.backendCloses.sum(), soak.closeAnswerLost.sum(), soak.roundTrip.sent.sum(), soak.roundTrip.bytes.sum() / 1048576.0, baseline,
                    peaks.fds.get(), peaks.threads.get(), peaks.heapKiB.get() / 1024.0, after));
        }
    }

    /** One round: every slot connected for {@code duration}, then drained; the backend has seen every session end. */
    private static SoakLedger round(Deployment tomcat, SoakBackend backend, SoakPlan plan, int round, int connections,
            Duration duration, double rate) throws InterruptedException {
        SoakLedger ledger = new SoakLedger(plan);
        backend.ledger(ledger);
        SoakClients clients = new SoakClients(tomcat.ws("/echo"), round, connections, rate, plan, ledger);
        try {
            Duration drain = clients.run(duration, DRAIN_LIMIT);
            System.out.println("soak: round " + round + " drained in " + drain.toMillis() + " ms");
        } finally {
            clients.shutdown();
        }
        long deadline = System.nanoTime() + BACKEND_WAIT.toNanos();
        while (backend.openSessions() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        assertEquals(0, backend.openSessions(), () -> "backend sessions still open " + BACKEND_WAIT
                + " after the clients closed, for example " + backend.openSessionQueries());
        return ledger;
    }

    private static void assertClean(String round, SoakLedger ledger) {
        assertEquals(List.of(), ledger.failures(), round + ": " + ledger.failureCount() + " failures, the first ones listed; "
                + ledger);
        assertEquals(List.of(), ledger.unsettled(), round + ": sessions only one side saw end");
        assertEquals(Map.of(), ledger.anomaliesBySlot(), round + ": connections (slot: count) with lost, reordered, duplicated"
                + " or corrupted messages; " + ledger);
        for (SoakLedger.Direction direction : List.of(ledger.upstream, ledger.roundTrip)) {
            assertEquals(0, direction.anomalies(), round + ": " + ledger);
            assertEquals(direction.sent.sum(), direction.received.sum(), round + ": " + ledger);
        }
        assertTrue(ledger.roundTrip.sent.sum() > 0 && ledger.sessions.sum() > 0, round + ": nothing happened: " + ledger);
    }

    /**
     * Waits until the proxy has no more file descriptors than at the baseline (give or take
     * {@link #FD_SLACK}), no more threads outside the pools, and no more heap after a full GC (give
     * or take {@link #HEAP_SLACK_KIB}); then, if {@code poolWait} is not zero, until the pools are
     * no larger than at the baseline as well.
     *
     * @return the last sample
     */
    private static ProxyProcess.Sample settle(ProxyProcess proxy, ProxyProcess.Sample baseline, Duration poolWait)
            throws Exception {
        long deadline = System.nanoTime() + SETTLE.plus(poolWait).toNanos();
        while (true) {
            ProxyProcess.Sample now = proxy.sample();
            List<String> above = new java.util.ArrayList<>();
            if (now.fds() > baseline.fds() + FD_SLACK) {
                above.add("file descriptors " + now.fds() + ", baseline " + baseline.fds() + " + " + FD_SLACK);
            }
            if (now.otherThreadCount() > baseline.otherThreadCount()) {
                above.add("threads outside the pools " + now.otherThreadCount() + ", baseline " + baseline.otherThreadCount()
                        + "; more of " + more(now.otherThreads(), baseline.otherThreads()));
            }
            if (now.heapKiB() > baseline.heapKiB() + HEAP_SLACK_KIB) {
                above.add("heap after a full GC " + now.heapKiB() + " KiB, baseline " + baseline.heapKiB() + " + "
                        + HEAP_SLACK_KIB + " KiB");
            }
            if (!poolWait.isZero()) {
                int requests = now.threads(ProxyProcess.REQUEST_THREADS);
                int workers = now.threads(ProxyProcess.BACKEND_WORKERS);
                if (requests > ProxyProcess.REQUEST_THREADS_IDLE || workers > ProxyProcess.BACKEND_WORKERS_IDLE) {
                    above.add("Tomcat's request threads " + requests + " (idle: " + ProxyProcess.REQUEST_THREADS_IDLE
                            + "), wsproxy's backend workers " + workers + " (idle: at most " + ProxyProcess.BACKEND_WORKERS_IDLE + ")");
                }
            }
            if (above.isEmpty()) {
                System.out.println("soak: after " + now + "; threads " + now.threadKinds());
                return now;
            }
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("the proxy is not back to its baseline " + SETTLE.plus(poolWait)
                        + " after the last connection closed: " + above + "; baseline " + baseline + ", now " + now);
            }
            TimeUnit.NANOSECONDS.sleep(POLL.toNanos());
        }
    }

    /** The thread kinds of which {@code now} has more than {@code before}, and how many more. */
    private static Map<String, Integer> more(Map<String, Integer> now, Map<String, Integer> before) {
        Map<String, Integer> more = new TreeMap<>();
        now.forEach((kind, n) -> {
            int extra = n - before.getOrDefault(kind, 0);
            if (extra > 0) {
                more.put(kind, extra);
            }
        });
        return more;
    }

    /**
     * How long to wait, after the soak, for the pools to shrink back to the baseline: {@code
     * soak.poolWait}, by default 2 minutes for a soak of 5 minutes or more and none for a shorter
     * one. Their idle threads leave only after a minute or so without work (Tomcat's request threads
     * after 60 s, wsproxy's backend workers after a minute); a short soak in {@code mvn verify}
     * checks that they stay within their bounds rather than wait that long, a long one waits.
     */
    private static Duration poolWait(Duration duration) {
        String text = setting("soak.poolWait", "");
        if (!text.isEmpty()) {
            return Durations.parse(text);
        }
        return duration.compareTo(Duration.ofMinutes(5)) >= 0 ? Duration.ofMinutes(2) : Duration.ZERO;
    }

    /** A soak setting: the system property, or {@code fallback} when it is unset or empty. */
    private static String setting(String name, String fallback) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() || value.startsWith("${") ? fallback : value.strip();
    }

    /** The highest file descriptors and threads (every second) and heap in use (every 10 s) of the proxy during a round. */
    private static final class Peaks {
        final AtomicInteger fds = new AtomicInteger();
        final AtomicInteger threads = new AtomicInteger();
        final AtomicLong heapKiB = new AtomicLong();
        private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "soak-sampler");
            thread.setDaemon(true);
            return thread;
        });

        Peaks(ProxyProcess proxy) {
            sampler.scheduleWithFixedDelay(() -> {
                try {
                    int[] now = proxy.fdsAndThreads();
                    fds.accumulateAndGet(now[0], Math::max);
                    threads.accumulateAndGet(now[1], Math::max);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, 0, 1, TimeUnit.SECONDS);
            sampler.scheduleWithFixedDelay(() -> {
                try {
                    heapKiB.accumulateAndGet(proxy.heapKiB(), Math::max);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, 5, 10, TimeUnit.SECONDS);
        }

        void stop() throws InterruptedException {
            sampler.shutdownNow();
            sampler.awaitTermination(70, TimeUnit.SECONDS);
        }
    }
}
