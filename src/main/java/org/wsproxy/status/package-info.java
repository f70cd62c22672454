/**
 * The live status page at {@code <context>/status}: routes, backends with their health and load,
 * the open connections, the recent closes and a small chart, refreshed by the page itself from a
 * JSON view of the same data.
 * <p>
 * A package of its own because it only reads: it takes what the server, pool and relay packages
 * already count (volatile and atomic counters, the registry of open relays) and what a
 * {@link org.wsproxy.server.ProxyObserver} is told, and never takes a lock that a connection
 * needs, so that a page open in a browser costs the proxy nothing it would notice. The page is
 * closed to other machines by default, since it names backends and clients.
 */
package org.wsproxy.status;
