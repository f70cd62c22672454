package org.wsproxy.server;

import java.util.concurrent.atomic.AtomicBoolean;

import org.wsproxy.config.Route;
import org.wsproxy.pool.Backend;
import org.wsproxy.relay.ClosedConnection;
import org.wsproxy.relay.Relay;
import org.wsproxy.relay.RelayListener;

/**
 * What one relayed connection holds, given back exactly once when its relay ends: its place in the
 * route's maxConnections, its backend's count of open connections, its entry in the registry of
 * open relays, and the observers' record of its close.
 * <p>
 * A handshake takes one place of maxConnections for all its tries (one per backend of the route);
 * the relay of each try holds it until its connect fails ({@link #leavePlace}), and the handshake
 * gives it back if no try opened. So a place is released either by the relay that opened or by the
 * handshake, never both.
 */
final class ConnectionRelease implements RelayListener {

    private final Route route;
    private final Backend backend;
    private final ProxyRuntime runtime;
    private final ConnectionLimit connections;
    /** Cleared by the handshake's thread when the connect fails, before the relay is abandoned. */
    private volatile boolean holdsPlace = true;
    private final AtomicBoolean released = new AtomicBoolean();

    ConnectionRelease(Route route, Backend backend, ProxyRuntime runtime, ConnectionLimit connections) {
        this.route = route;
        this.backend = backend;
        this.runtime = runtime;
        this.connections = connections;
    }

    /** The connect failed: the place stays with the handshake, for its next try. */
    void leavePlace() {
        holdsPlace = false;
    }

    @Override
    public void relayClosed(Relay relay, ClosedConnection closed) {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        if (holdsPlace) {
            connections.release();
        }
        backend.released();
        // The close is recorded before the relay leaves the open ones: whoever sees it gone (the
        // status page, a test waiting for it) finds its close among the recent ones.
        if (closed != null) {
            runtime.observers().closed(route, backend, closed);
        }
        runtime.relays().relayClosed(relay, closed);
    }
}
