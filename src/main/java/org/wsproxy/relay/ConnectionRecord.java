package org.wsproxy.relay;

import java.time.Duration;
import java.time.Instant;

/**
 * What a relay keeps for its {@link ClosedConnection}: when it started, what each direction passed
 * on, and how each leg closed. The record is built here and nowhere else.
 * <p>
 * Thread-safe: the traffic has one writer per direction; the closes are set under the relay's lock
 * and read by the thread that finishes the relay, after it released the lock that set them.
 */
final class ConnectionRecord {

    private final ConnectionInfo connection;
    /** When the client's handshake reached wsproxy: wall clock for the log, monotonic for the duration. */
    private final Instant started = Instant.now();
    private final long startedNanos = System.nanoTime();
    /** Client to backend. */
    final Traffic in;
    /** Backend to client. */
    final Traffic out;

    ConnectionRecord(ConnectionInfo connection, TrafficTotals inTotals, TrafficTotals outTotals) {
        this.connection = connection;
        this.in = new Traffic(inTotals);
        this.out = new Traffic(outTotals);
    }

    ConnectionInfo connection() {
        return connection;
    }

    Instant started() {
        return started;
    }

    /**
     * @param client the close the client leg reported; null if it reported none (taken as dropped)
     * @param backend likewise for the backend leg
     * @param first  the leg whose close or failure started the end; null when wsproxy ended both
     */
    ClosedConnection closed(Close client, Close backend, Side first) {
        Close c = client == null ? Close.dropped() : client;
        Close b = backend == null ? Close.dropped() : backend;
        return new ClosedConnection(connection, started, Duration.ofNanos(System.nanoTime() - startedNanos),
                in.messages(), in.bytes(), out.messages(), out.bytes(), c.code(), c.reason(), b.code(), b.reason(), first);
    }
}
