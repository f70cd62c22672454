package org.wsproxy.pool;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.wsproxy.config.Balance;
import org.wsproxy.config.Route;

/**
 * The backends of one route, and the order in which a new connection tries them.
 * <p>
 * The first backend of the order is the balance's pick; the others follow, so that a connect that
 * fails moves on to the next backend within the same connectTimeout (see the server's route
 * handler). Only backends in rotation are listed: when none is, the list is empty and the client
 * gets 503. A route's only backend is always listed, as nginx does with an upstream of one server:
 * there is nothing else to try, and the client gets that backend's own 502 or 504, which says more
 * than a 503; its health is still tracked, for the status page and the metrics.
 * <p>
 * Thread-safe: request threads ask at once; the round-robin turn is an atomic counter.
 */
public final class BackendPool {

    private final Route route;
    /** In the configured order; unmodifiable. */
    private final List<Backend> backends;
    /** Where the next round-robin order starts; grows without end, used modulo the backend count. */
    private final AtomicInteger turn = new AtomicInteger();

    public BackendPool(Route route) {
        this.route = route;
        List<Backend> all = new ArrayList<>();
        for (URI uri : route.backends()) {
            all.add(new Backend(route.name(), uri, route.maxFails(), route.failTimeout(), route.backends().size() == 1));
        }
        this.backends = List.copyOf(all);
    }

    public Route route() {
        return route;
    }

    /** Every backend of the route, in the configured order, in rotation or not. */
    public List<Backend> backends() {
        return backends;
    }

    /**
     * The backends to try for a new connection, in order; empty when none is in rotation.
     *
     * @param clientAddress the client's address, for ip-hash
     */
    public List<Backend> candidates(String clientAddress) {
        int n = backends.size();
        if (n == 1) {
            return backends;
        }
        long now = System.nanoTime();
        int start = switch (route.balance()) {
            // Hashed over every backend, not only those up, so that a client keeps its backend while
            // others come and go; when its own is out, it goes to the next one along.
            case IP_HASH -> Math.floorMod(hash(clientAddress), n);
            case ROUND_ROBIN, LEAST_CONNECTIONS -> Math.floorMod(turn.getAndIncrement(), n);
        };
        List<Backend> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Backend backend = backends.get((start + i) % n);
            if (backend.inRotation(now)) {
                order.add(backend);
            }
        }
        if (route.balance() == Balance.LEAST_CONNECTIONS) {
            // A stable sort: among backends with as many connections, the round-robin turn decides.
            order.sort(Comparator.comparingInt(Backend::openConnections));
        }
        return order;
    }

    /**
     * Spreads addresses that differ in one digit over the backends (String's hash alone varies
     * mostly in its low bits, and addresses of one network share their beginning).
     */
    private static int hash(String address) {
        int h = address.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }
}
