package org.wsproxy.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts of one soak round, overall and per connection slot. Each session is reported twice,
 * by the client when it ends there (what it sent, and its check of the echoes: the round trip) and
 * by the backend when it ends there (its check of what arrived from the client: the client-to-backend
 * leg, and the close it saw); the two halves are settled as soon as both are in. Thread-safe.
 */
final class SoakLedger {

    /** Failures kept word for word for the report; the rest are only counted. */
    private static final int FAILURES_KEPT = 20;

    /** The counts of one direction: client to backend (checked at the backend), or the round trip (checked at the client). */
    static final class Direction {
        final LongAdder sent = new LongAdder();
        final LongAdder received = new LongAdder();
        final LongAdder lost = new LongAdder();
        final LongAdder reordered = new LongAdder();
        final LongAdder duplicated = new LongAdder();
        final LongAdder corrupted = new LongAdder();
        final LongAdder bytes = new LongAdder();

        /** @return the anomalies this added */
        long add(long sentMessages, SoakCheck check) {
            long lost = check.lost(sentMessages);
            sent.add(sentMessages);
            received.add(check.received());
            this.lost.add(lost);
            reordered.add(check.reordered());
            duplicated.add(check.duplicated());
            corrupted.add(check.corrupted());
            bytes.add(check.bytes());
            return lost + check.reordered() + check.duplicated() + check.corrupted();
        }

        long anomalies() {
            return lost.sum() + reordered.sum() + duplicated.sum() + corrupted.sum();
        }

        @Override
        public String toString() {
            return String.format("sent %,d, received %,d (%,d bytes), lost %d, reordered %d, duplicated %d, corrupted %d",
                    sent.sum(), received.sum(), bytes.sum(), lost.sum(), reordered.sum(), duplicated.sum(), corrupted.sum());
        }
    }

    /** The halves of one session; guarded by itself. */
    private static final class SessionRecord {
        boolean clientEnded;
        int clientSent;
        SoakCheck upstream;
        int backendCloseCode;
        String backendCloseReason;
        boolean backendClosed;
    }

    private final SoakPlan plan;
    final Direction upstream = new Direction();
    final Direction roundTrip = new Direction();
    final LongAdder sessions = new LongAdder();
    final LongAdder clientCloses = new LongAdder();
    final LongAdder backendCloses = new LongAdder();
    /**
     * Closes from the proxy that the backend received whole (its onClose had the right code and
     * reason) but could not answer, because the connection was already gone: the Tyrus client
     * closes its TCP connection as soon as its own close frame is written, without waiting for the
     * answer (Tyrus 2.1.5, TyrusWebSocket.onClose after ProtocolHandler.close), and a backend
     * writing its answer at that moment fails (Tomcat calls onError with an EOFException). Seen
     * about once in 5,000 closes; reported, not failed, as nothing the client or backend sent was lost.
     */
    final LongAdder closeAnswerLost = new LongAdder();
    private final LongAdder failureCount = new LongAdder();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicInteger failuresKept = new AtomicInteger();
    /** Sessions with one half reported so far. */
    private final Map<Long, SessionRecord> open = new ConcurrentHashMap<>();
    /** Anomalies (lost, reordered, duplicated, corrupted, either direction) per slot that had any. */
    private final Map<Integer, LongAdder> anomaliesBySlot = new ConcurrentHashMap<>();

    SoakLedger(SoakPlan plan) {
        this.plan = plan;
    }

    void failure(String what) {
        failureCount.increment();
        if (failuresKept.getAndIncrement() < FAILURES_KEPT) {
            failures.add(what);
        }
    }

    /** The backend accepted a session. */
    void backendOpened(long key) {
        sessions.increment();
        open.computeIfAbsent(key, k -> new SessionRecord());
    }

    /**
     * The session ended at the client.
     *
     * @param sent   messages the client sent
     * @param echoes its check of what came back
     */
    void clientEnded(long key, int sent, SoakCheck echoes, boolean closedByBackend) {
        (closedByBackend ? backendCloses : clientCloses).increment();
        count(key, roundTrip.add(sent, echoes));
        SessionRecord session = open.computeIfAbsent(key, k -> new SessionRecord());
        synchronized (session) {
            session.clientEnded = true;
            session.clientSent = sent;
            settle(key, session);
        }
    }

    /** The session ended at the backend, which received what {@code received} checked and saw this close. */
    void backendEnded(long key, SoakCheck received, int code, String reason, boolean closedByBackend) {
        SessionRecord session = open.computeIfAbsent(key, k -> new SessionRecord());
        synchronized (session) {
            session.upstream = received;
            session.backendCloseCode = code;
            session.backendCloseReason = reason;
            session.backendClosed = closedByBackend;
            settle(key, session);
        }
    }

    /** Holds {@code session}'s lock. */
    private void settle(long key, SessionRecord session) {
        if (!session.clientEnded || session.upstream == null) {
            return;
        }
        open.remove(key);
        count(key, upstream.add(session.clientSent, session.upstream));
        SoakPlan.Session planned = plan.session(key);
        if (!session.backendClosed && (session.backendCloseCode != planned.code()
                || !planned.reason().equals(session.backendCloseReason))) {
            failure(SoakPlan.describe(key) + ": the client closed with " + planned.code() + " [" + planned.reason()
                    + "], the backend saw " + session.backendCloseCode + " [" + session.backendCloseReason + "]");
        }
    }

    private void count(long key, long anomalies) {
        if (anomalies > 0) {
            anomaliesBySlot.computeIfAbsent((int) (key >>> 24) & 0xffffff, s -> new LongAdder()).add(anomalies);
        }
    }

    /** Sessions that one side reported ended and the other did not (call once both sides are idle). */
    List<String> unsettled() {
        List<String> unsettled = new ArrayList<>();
        open.forEach((key, session) -> {
            synchronized (session) {
                unsettled.add(SoakPlan.describe(key) + (session.clientEnded ? ": the backend never saw it end"
                        : session.upstream != null ? ": the client never saw it end" : ": opened at the backend, never ended"));
            }
        });
        return unsettled;
    }

    long failureCount() {
        return failureCount.sum();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    /** Slots with anomalies, and how many. */
    Map<Integer, Long> anomaliesBySlot() {
        Map<Integer, Long> bySlot = new java.util.TreeMap<>();
        anomaliesBySlot.forEach((slot, n) -> bySlot.put(slot, n.sum()));
        return bySlot;
    }

    @Override
    public String toString() {
        return String.format("sessions %,d (closed by the client %,d, by the backend %,d; close answers the backend could not"
                + " write %d); client to backend: %s; round trip: %s; failures %d", sessions.sum(), clientCloses.sum(),
                backendCloses.sum(), closeAnswerLost.sum(), upstream, roundTrip, failureCount());
    }
}
