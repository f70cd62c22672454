package org.wsproxy.server;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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
        for (ProxyObserver observer : observers) {
            try {
                observer.handshake(route, backend, status);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "observer " + observer + " failed on a handshake of route [" + route.name() + "]", e);
            }
        }
    }

    @Override
    public void closed(Route route, Backend backend, ClosedConnection closed) {
        for (ProxyObserver observer : observers) {
            try {
                observer.closed(route, backend, closed);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "observer " + observer + " failed on a close of route [" + route.name() + "]", e);
            }
        }
    }
}
