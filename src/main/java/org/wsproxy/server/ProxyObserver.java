package org.wsproxy.server;

import org.wsproxy.config.Route;
import org.wsproxy.pool.Backend;
import org.wsproxy.relay.ClosedConnection;

/**
 * Told of each handshake's outcome and each connection's end, for metrics and the status page.
 * <p>
 * Called on the threads where these happen (request threads, delivery threads), so an observer
 * must be quick and thread-safe, and must not block. An exception it throws is logged and
 * otherwise ignored: reporting never gets in the way of proxying.
 */
public interface ProxyObserver {

    /**
     * A client's handshake was answered.
     *
     * @param backend the backend that was tried last, whose outcome decided the answer; null when
     *                no backend was tried (refused by wsproxy itself, or no backend in rotation)
     * @param status  101 when the connection opened, else the HTTP status the client got
     */
    default void handshake(Route route, Backend backend, int status) {
    }

    /**
     * A proxied HTTP request (route option http=proxy) ended.
     *
     * @param backend the backend it went to (or was tried last), null when none was tried
     * @param status  the status the client got, 0 when it went away before one
     */
    default void httpRequest(Route route, Backend backend, int status) {
    }

    /**
     * A connection whose client leg had opened has closed on both legs.
     *
     * @param backend the backend it was connected to
     */
    default void closed(Route route, Backend backend, ClosedConnection closed) {
    }
}
