package org.wsproxy.server;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.wsproxy.config.Route;
import org.wsproxy.pool.Backend;
import org.wsproxy.relay.ClosedConnection;

/**
 * The application's {@link ProxyObserver}s, told in turn. Observers are added while the
 * application starts and read on every handshake and close, hence a copy-on-write list.
 */
final class Observers implements ProxyObserver {

    private static final Logger LOG = System.getLogger(Observers.class.getName());

    private final List<ProxyObserver> observers = new CopyOnWriteArrayList<>();

    void add(ProxyObserver observer) {
        observers.add(observer);
    }

    @Override
    public void handshake(Route route, Backend backend, int status) {
        tell(route, "a handshake", observer -> observer.handshake(route, backend, status));
    }

    @Override
    public void httpRequest(Route route, Backend backend, int status) {
        tell(route, "an HTTP request", observer -> observer.httpRequest(route, backend, status));
    }

    @Override
    public void closed(Route route, Backend backend, ClosedConnection closed) {
        tell(route, "a close", observer -> observer.closed(route, backend, closed));
    }

    private void tell(Route route, String what, Consumer<ProxyObserver> event) {
        for (ProxyObserver observer : observers) {
            try {
                event.accept(observer);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "observer " + observer + " failed on " + what + " of route [" + route.name() + "]", e);
            }
        }
    }
}
