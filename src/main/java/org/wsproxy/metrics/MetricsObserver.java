package org.wsproxy.metrics;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.wsproxy.config.Engine;
import org.wsproxy.config.Route;
import org.wsproxy.pool.Backend;
import org.wsproxy.pool.BackendPool;
import org.wsproxy.relay.ClosedConnection;
import org.wsproxy.server.ProxyObserver;

/**
 * Counts the handshakes and closes that the server reports, on the meters of the backend they
 * concern.
 * <p>
 * The backends are known from the start (a route's backends never change while it runs), so every
 * backend's meters are made here once, and a report only looks them up (a backend not of these
 * pools would be a bug, which the server logs as this observer's failure). Thread-safe: the maps are
 * filled in the constructor and only read after.
 */
final class MetricsObserver implements ProxyObserver {

    /** By backend, which is compared by identity: two routes may have a backend of the same URL. */
    private final Map<Backend, BackendMeters> byBackend = new IdentityHashMap<>();
    /** By route name: the handshakes of each route that reached no backend. */
    private final Map<String, BackendMeters> noBackend = new HashMap<>();

    /** A route's engine, as a gauge of 1 labelled with it: which engine carries which route. */
    static final String ROUTE_INFO = "wsproxy.route.info";

    MetricsObserver(MeterRegistry registry, List<BackendPool> pools, Function<String, Engine> engines) {
        for (BackendPool pool : pools) {
            String route = pool.route().name();
            Gauge.builder(ROUTE_INFO, () -> 1).description("1 for each route, labelled with the engine carrying it")
                    .tags("route", route, "engine", engines.apply(route).toString()).register(registry);
            noBackend.put(route, BackendMeters.none(registry, route));
            for (Backend backend : pool.backends()) {
                byBackend.put(backend, BackendMeters.of(registry, route, backend));
            }
        }
    }

    @Override
    public void handshake(Route route, Backend backend, int status) {
        (backend == null ? noBackend.get(route.name()) : byBackend.get(backend)).handshake(status);
    }

    @Override
    public void httpRequest(Route route, Backend backend, int status) {
        (backend == null ? noBackend.get(route.name()) : byBackend.get(backend)).httpRequest(status);
    }

    @Override
    public void closed(Route route, Backend backend, ClosedConnection closed) {
        byBackend.get(backend).closed(closed);
    }

    @Override
    public String toString() {
        return "wsproxy metrics";
    }
}
