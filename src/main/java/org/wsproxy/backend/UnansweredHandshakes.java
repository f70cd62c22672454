package org.wsproxy.backend;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.ConnectionProbe;
import org.glassfish.grizzly.filterchain.Filter;
import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.tyrus.spi.ClientEngine;
import org.glassfish.tyrus.spi.UpgradeRequest;

/**
 * Closes the backend connection of a handshake that timed out, and fails at once the handshake of
 * a connection the backend closed before answering.
 * <p>
 * On Tyrus's shared transport, a handshake timeout only fails {@code connectToServer}: the TCP
 * connection stays open until the backend closes it (Tyrus closes only a private transport). A
 * backend that accepts connections and never answers would so collect one open connection, and one
 * file descriptor of the container, per 504, for as long as the application runs.
 * <p>
 * Tyrus offers no handle on the connection of a handshake, so this watches the shared transport's
 * connections (a Grizzly {@link ConnectionProbe}, public API) and recognises the one to close by
 * its handshake request: Tyrus's per-connection filter holds the request whose header map the
 * {@link HeaderConfigurator} filled. The transport and that filter field are Tyrus internals,
 * reached by reflection; if a later Tyrus changes them, this logs one warning and closes nothing,
 * which is the behaviour without it.
 * <p>
 * The other way round, Tyrus does not notice when the backend closes (or resets) the connection
 * before its handshake answer: its filter reports a close only for a connection whose handshake
 * completed, and the connect waits for its whole timeout. A backend process that accepts and drops
 * connections (crashing, overloaded, or a port forwarder with nothing behind it) then cost every
 * client connectTimeout and a 504, and the next backend of the route got no time at all. The probe
 * sees the close, and fails that handshake through Tyrus's engine (its public SPI method).
 * <p>
 * Thread-safe: the probe is called on Grizzly's threads, the rest on container threads.
 */
final class UnansweredHandshakes extends ConnectionProbe.Adapter implements AutoCloseable {

    private static final Logger LOG = System.getLogger(UnansweredHandshakes.class.getName());


    /** The backend connections open on the watched transport: one entry each, removed when they close. */
    private final Set<Connection<?>> open = ConcurrentHashMap.newKeySet();
    /**
     * Set on a connection whose handshake has nothing left to fail: it has received a byte (the
     * backend answered, or started to; a completed handshake has), or Tyrus gave up on it (see
     * {@link #close}). A connection the backend answered (a 503, say) is closed by Tyrus itself once
     * it has the answer, and that close must not replace the answer with a failure. An attribute of
     * the connection rather than a set of ours: Grizzly reports a connection's connect only after
     * Tyrus has written the handshake request, so a backend that resets the connection at once can
     * close it before its connect is reported, and a set would keep it for good.
     */
    private static final Attribute<Boolean> SETTLED = Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(
            UnansweredHandshakes.class.getName() + ".settled");
    private final ThreadPoolConfig workers;
    private final ThreadPoolConfig selectors;
    /**
     * True if every Tyrus internal this needs was found (see TyrusInternals: the shared transport,
     * its factory, the client filter's request and engine); false turns the probe off.
     */
    private final boolean usable;
    /** Guarded by {@code this}: the transport this probe is registered with, null before the first connection. */
    private TCPNIOTransport watched;

    /**
     * @param workers   the pools to create the shared transport with, the ones every route's
     * @param selectors client manager passes Tyrus
     */
    UnansweredHandshakes(ThreadPoolConfig workers, ThreadPoolConfig selectors) {
        this.workers = workers;
        this.selectors = selectors;
        this.usable = TyrusInternals.SHARED_TRANSPORT != null && TyrusInternals.CREATE_SHARED_TRANSPORT != null
                && TyrusInternals.FILTER_REQUEST != null && TyrusInternals.FILTER_ENGINE != null;
        if (!usable) {
            LOG.log(Level.WARNING, "This Tyrus version hides its transport differently; backend connections whose "
                    + "handshake times out (504) will stay open until the backend closes them, and a backend that drops "
                    + "the connection before answering will cost its client connectTimeout");
        }
    }

    /**
     * Makes sure the shared transport exists and reports to this probe, before a connection is
     * opened on it. Tyrus stops an idle shared transport and makes a new one on the next connection,
     * so this runs before every connection (a volatile read when nothing changed).
     */
    void watch() {
        if (!usable) {
            return;
        }
        try {
            TCPNIOTransport current = (TCPNIOTransport) TyrusInternals.SHARED_TRANSPORT.get(null);
            synchronized (this) {
                if (current != null && current == watched) {
                    return;
                }
                if (current == null) {
                    current = (TCPNIOTransport) TyrusInternals.CREATE_SHARED_TRANSPORT.invoke(null, workers, selectors);
                }
                if (watched != null) {
                    watched.getConnectionMonitoringConfig().removeProbes(this);
                    open.clear();
                }
                current.getConnectionMonitoringConfig().addProbes(this);
                watched = current;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.DEBUG, "cannot watch Tyrus's shared transport", e);
        }
    }

    /**
     * Closes the connection that carried the handshake whose headers Tyrus built in
     * {@code requestHeaders} (the very map instance), if it is still open.
     *
     * @return true if a connection was found and closed
     */
    boolean close(Map<String, List<String>> requestHeaders) {
        if (!usable || requestHeaders == null) {
            return false;
        }
        for (Connection<?> connection : open) {
            if (connection.getProcessor() instanceof FilterChain chain) {
                for (Filter filter : chain) {
                    if (filter.getClass() == TyrusInternals.CLIENT_FILTER_CLASS && carries(filter, requestHeaders)) {
                        open.remove(connection);
                        // Tyrus has given up on this handshake already; there is nothing to fail.
                        SETTLED.set(connection, Boolean.TRUE);
                        connection.closeSilently();
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private boolean carries(Filter filter, Map<String, List<String>> requestHeaders) {
        try {
            Object request = TyrusInternals.FILTER_REQUEST.get(filter);
            return request instanceof UpgradeRequest upgrade && upgrade.getHeaders() == requestHeaders;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    @Override
    public void onConnectEvent(Connection connection) {
        open.add(connection);
        if (!connection.isOpen()) {
            // Closed before its connect was reported (see SETTLED): its close event has passed already.
            open.remove(connection);
        }
    }

    /** On every read of every backend connection (Grizzly reports reads of at least one byte): an attribute lookup. */
    @Override
    public void onReadEvent(Connection connection, Buffer data, int size) {
        if (SETTLED.get(connection) == null) {
            SETTLED.set(connection, Boolean.TRUE);
        }
    }

    @Override
    public void onCloseEvent(Connection connection) {
        open.remove(connection);
        if (SETTLED.get(connection) == null) {
            failUnansweredHandshake(connection);
        }
    }

    /** Fails the handshake of {@code connection} if it had not been answered when the connection closed. */
    private void failUnansweredHandshake(Connection<?> connection) {
        if (!usable || !(connection.getProcessor() instanceof FilterChain chain)) {
            return;
        }
        for (Filter filter : chain) {
            if (filter.getClass() == TyrusInternals.CLIENT_FILTER_CLASS) {
                try {
                    ClientEngine engine = (ClientEngine) TyrusInternals.FILTER_ENGINE.get(filter);
                    engine.processError(new ConnectException("backend closed the connection before answering the handshake"));
                } catch (ReflectiveOperationException | IllegalStateException e) {
                    // IllegalStateException: the handshake completed meanwhile; the session's own close handles it.
                }
                return;
            }
        }
    }

    /** Stops watching: the application is stopping (a transport shared with others keeps running). */
    @Override
    public synchronized void close() {
        if (watched != null) {
            watched.getConnectionMonitoringConfig().removeProbes(this);
            watched = null;
        }
        open.clear();
    }
}
