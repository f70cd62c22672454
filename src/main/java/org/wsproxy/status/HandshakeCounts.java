package org.wsproxy.status;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.wsproxy.config.Route;
import org.wsproxy.pool.Backend;
import org.wsproxy.server.ProxyObserver;

/**
 * How each route's handshakes were answered since the application started, by HTTP status (101 =
 * opened), so that the page shows refusals (403 for an origin, 503 at maxConnections, 502 for a
 * backend down) beside the connections that opened.
 * <p>
 * Told on request threads; a concurrent map of adders, so that counting never waits. The statuses
 * a route can answer are a handful, so the maps stay small.
 */
final class HandshakeCounts implements ProxyObserver {

    /** Route name to status to count. */
    private final Map<String, Map<Integer, LongAdder>> counts = new ConcurrentHashMap<>();
    /** Likewise for proxied HTTP requests (http=proxy); status 0 = the client went away before one. */
    private final Map<String, Map<Integer, LongAdder>> httpCounts = new ConcurrentHashMap<>();

    @Override
    public void handshake(Route route, Backend backend, int status) {
        increment(counts, route, status);
    }

    @Override
    public void httpRequest(Route route, Backend backend, int status) {
        increment(httpCounts, route, status);
    }

    private static void increment(Map<String, Map<Integer, LongAdder>> counts, Route route, int status) {
        counts.computeIfAbsent(route.name(), n -> new ConcurrentHashMap<>())
                .computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    /** The counts of one route by status, lowest status first; empty before its first handshake. */
    Map<Integer, Long> of(String routeName) {
        return copy(counts, routeName);
    }

    /** The proxied HTTP requests of one route by status, lowest first; empty before the first. */
    Map<Integer, Long> httpOf(String routeName) {
        return copy(httpCounts, routeName);
    }

    private static Map<Integer, Long> copy(Map<String, Map<Integer, LongAdder>> counts, String routeName) {
        Map<Integer, Long> copy = new TreeMap<>();
        Map<Integer, LongAdder> byStatus = counts.get(routeName);
        if (byStatus != null) {
            byStatus.forEach((status, count) -> copy.put(status, count.sum()));
        }
        return copy;
    }
}
