/**
 * The front door: what the servlet container sees of wsproxy.
 * <p>
 * Reading the routes at startup and registering a servlet for each, answering a client's handshake
 * (426, 403, 400, 431, then the backend's verdict: 502, 504 or its own status) before any 101, and
 * handing the upgraded connection to the relay. The handshake is answered in a servlet rather than
 * in a {@code ServerEndpointConfig.Configurator} because only a servlet can choose the HTTP status;
 * the servlet then upgrades with {@code ServerContainer.upgradeHttpToWebSocket}.
 * <p>
 * GlassFish's Tyrus (2.1) implements that upgrade by looking up an endpoint already registered at
 * the config's path; Tomcat uses the config it is given. So each route also registers its endpoint
 * at an internal path ({@link org.wsproxy.server.ProxyRuntime#INTERNAL_PATH_PREFIX}), and the
 * servlet upgrades with that same config: both containers end up in the same endpoint. A client
 * that requests the internal path directly is refused with 403 by
 * {@link org.wsproxy.server.ProxyEndpointConfigurator#checkOrigin(String)}.
 */
package org.wsproxy.server;
