/**
 * The backends of each route and which one a new connection goes to: the balance
 * ({@link org.wsproxy.config.Balance}), the passive failure count that takes a backend out of
 * rotation (maxFails, failTimeout, as nginx does), and the optional active health check.
 * <p>
 * The server package asks a {@link org.wsproxy.pool.BackendPool} for the backends to try, in order,
 * and reports back how each try went; nothing here opens a client-facing connection.
 */
package org.wsproxy.pool;
