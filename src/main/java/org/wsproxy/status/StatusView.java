package org.wsproxy.status;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.wsproxy.config.Route;
import org.wsproxy.pool.Backend;
import org.wsproxy.pool.BackendPool;
import org.wsproxy.relay.ClosedConnection;
import org.wsproxy.relay.Relay;
import org.wsproxy.relay.Side;
import org.wsproxy.relay.TrafficTotals;
import org.wsproxy.server.ProxyRuntime;

/**
 * The JSON document the status page polls: routes with their backends, the open connections (the
 * newest {@link #SHOWN_CONNECTIONS}), the recent closes and the totals the page's chart is drawn
 * from. Times are epoch milliseconds and ages milliseconds, by the server's clock, so that a
 * browser on a machine whose clock is off still shows the right ages.
 * <p>
 * Built per request from counters that are read without a lock (volatile fields, atomics and
 * {@link java.util.concurrent.atomic.LongAdder}s), so a page open in a browser never holds up a
 * connection; the numbers of one document may be a message apart from each other.
 */
final class StatusView {

    /**
     * How many open connections are listed: a page of a proxy with 10,000 connections would
     * otherwise be megabytes, polled every second. The document says how many there are in all.
     */
    static final int SHOWN_CONNECTIONS = 100;

    private final ProxyRuntime runtime;
    private final RecentCloses closes;
    private final HandshakeCounts handshakes;

    StatusView(ProxyRuntime runtime, RecentCloses closes, HandshakeCounts handshakes) {
        this.runtime = runtime;
        this.closes = closes;
        this.handshakes = handshakes;
    }

    String json() {
        Instant now = Instant.now();
        StringBuilder out = new StringBuilder(4096);
        List<Relay> open = runtime.relays().open();
        out.append("{\"now\":").append(now.toEpochMilli());
        out.append(",\"openConnections\":").append(open.size());
        long inMessages = 0;
        long inBytes = 0;
        long outMessages = 0;
        long outBytes = 0;
        out.append(",\"routes\":[");
        String comma = "";
        for (BackendPool pool : runtime.pools()) {
            out.append(comma);
            comma = ",";
            route(out, pool);
            for (Backend backend : pool.backends()) {
                inMessages += backend.in().messages();
                inBytes += backend.in().bytes();
                outMessages += backend.out().messages();
                outBytes += backend.out().bytes();
            }
        }
        out.append("],\"totals\":{");
        counts(out, inMessages, inBytes, outMessages, outBytes);
        out.append("},\"connections\":[");
        comma = "";
        List<Relay> newest = open.stream().sorted(Comparator.comparing(Relay::started).reversed())
                .limit(SHOWN_CONNECTIONS).toList();
        for (Relay relay : newest) {
            out.append(comma);
            comma = ",";
            connection(out, relay, now);
        }
        out.append("],\"closesTotal\":").append(closes.total());
        out.append(",\"closes\":[");
        comma = "";
        for (RecentCloses.Entry entry : closes.newestFirst()) {
            out.append(comma);
            comma = ",";
            close(out, entry);
        }
        return out.append("]}").toString();
    }

    /** Counts by status as a JSON object: {"101":3,"502":1}. */
    private static void byStatus(StringBuilder out, Map<Integer, Long> counts) {
        out.append('{');
        String comma = "";
        for (Map.Entry<Integer, Long> count : counts.entrySet()) {
            out.append(comma).append('"').append(count.getKey()).append("\":").append(count.getValue());
            comma = ",";
        }
        out.append('}');
    }

    private void route(StringBuilder out, BackendPool pool) {
        Route route = pool.route();
        out.append("{\"name\":").append(Json.string(route.name()))
                .append(",\"path\":").append(Json.string(route.path()))
                .append(",\"balance\":").append(Json.string(route.balance().toString()))
                .append(",\"engine\":").append(Json.string(runtime.engineOf(route.name()).toString()))
                .append(",\"handshakes\":");
        byStatus(out, handshakes.of(route.name()));
        out.append(",\"http\":").append(Json.string(route.http().toString())).append(",\"httpRequests\":");
        byStatus(out, handshakes.httpOf(route.name()));
        out.append(",\"backends\":[");
        String comma = "";
        for (Backend backend : pool.backends()) {
            out.append(comma);
            comma = ",";
            out.append("{\"uri\":").append(Json.string(backend.uri().toString()))
                    .append(",\"up\":").append(backend.up())
                    .append(",\"open\":").append(backend.openConnections())
                    .append(",\"failures\":").append(backend.failures())
                    .append(",\"lastFailure\":").append(Json.string(backend.lastFailure()
                            .map(failure -> failure.at() + " " + failure.why()).orElse(null)))
                    .append(',');
            counts(out, backend.in(), backend.out());
            out.append('}');
        }
        out.append("]}");
    }

    private static void connection(StringBuilder out, Relay relay, Instant now) {
        out.append("{\"id\":").append(Json.string(relay.id()))
                .append(",\"route\":").append(Json.string(relay.routeName()))
                .append(",\"client\":").append(Json.string(relay.connection().client()))
                .append(",\"backend\":").append(Json.string(relay.connection().backend().toString()))
                .append(",\"state\":").append(Json.string(relay.state().toString()))
                .append(",\"started\":").append(relay.started().toEpochMilli())
                .append(",\"ageMs\":").append(Math.max(0, Duration.between(relay.started(), now).toMillis()))
                .append(',');
        counts(out, relay.traffic(Side.CLIENT).messages(), relay.traffic(Side.CLIENT).bytes(),
                relay.traffic(Side.BACKEND).messages(), relay.traffic(Side.BACKEND).bytes());
        out.append('}');
    }

    private static void close(StringBuilder out, RecentCloses.Entry entry) {
        ClosedConnection closed = entry.closed();
        out.append("{\"ended\":").append(entry.ended().toEpochMilli())
                .append(",\"route\":").append(Json.string(closed.connection().route()))
                .append(",\"client\":").append(Json.string(closed.connection().client()))
                .append(",\"backend\":").append(Json.string(closed.connection().backend().toString()))
                .append(",\"durationMs\":").append(closed.duration().toMillis())
                .append(",\"clientCode\":").append(closed.clientCode())
                .append(",\"clientReason\":").append(Json.string(closed.clientReason()))
                .append(",\"backendCode\":").append(closed.backendCode())
                .append(",\"backendReason\":").append(Json.string(closed.backendReason()))
                .append(",\"closedFirst\":").append(Json.string(closed.closedFirst() == null ? "proxy"
                        : closed.closedFirst() == Side.CLIENT ? "client" : "backend"))
                .append(',');
        counts(out, closed.inMessages(), closed.inBytes(), closed.outMessages(), closed.outBytes());
        out.append('}');
    }

    private static void counts(StringBuilder out, TrafficTotals in, TrafficTotals outward) {
        counts(out, in.messages(), in.bytes(), outward.messages(), outward.bytes());
    }

    private static void counts(StringBuilder out, long inMessages, long inBytes, long outMessages, long outBytes) {
        out.append("\"inMessages\":").append(inMessages)
                .append(",\"inBytes\":").append(inBytes)
                .append(",\"outMessages\":").append(outMessages)
                .append(",\"outBytes\":").append(outBytes);
    }
}
