package org.wsproxy.relay;

import java.net.URI;

/**
 * Who a relay connects, as known when the client's handshake arrives: for the access log, and for
 * anything else that reports on connections. Immutable.
 *
 * @param route   the route's name
 * @param client  the client's IP address (the peer, or what trustedProxies let X-Forwarded-For say)
 * @param backend the backend URL for this client (base URL, forwarded path and query)
 */
public record ConnectionInfo(String route, String client, URI backend) {
}
