/**
 * wsproxy: a WebSocket reverse proxy that runs inside a Jakarta EE 10 servlet container.
 * <p>
 * This package holds only what users name in web.xml: {@link org.wsproxy.WebSocketProxyServlet},
 * the servlet of a route. The rest is split by responsibility: {@code config} (the route model and
 * its validation), {@code server} (startup and the client handshake), {@code backend} (the Tyrus
 * client side) and {@code relay} (the two sessions of a proxied connection).
 */
package org.wsproxy;
