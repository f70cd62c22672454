package org.wsproxy.server;

import java.util.List;
import java.util.Map;

import org.wsproxy.relay.Relay;

/**
 * Carries an opened backend from the servlet to the endpoint the container creates for the client.
 * <p>
 * {@code upgradeHttpToWebSocket} runs the configurator's handshake callbacks on the calling thread
 * in Tomcat and in Tyrus, so the servlet puts the handoff in a thread-local for the duration of
 * that call; {@link ProxyEndpointConfigurator#modifyHandshake} moves it into the per-session user
 * properties, where the endpoint's onOpen finds it. The relay itself expires the backend if the
 * client never opens.
 */
final class Handoff {

    private static final ThreadLocal<Handoff> CURRENT = new ThreadLocal<>();

    final Relay relay;
    /** The subprotocol the backend chose, "" for none. */
    final String subprotocol;
    /** Backend handshake response headers to pass on to the client's 101. */
    final Map<String, List<String>> responseHeaders;
    /** Set on the request thread by modifyHandshake; read by the same thread after the upgrade call. */
    boolean claimed;

    Handoff(Relay relay, String subprotocol, Map<String, List<String>> responseHeaders) {
        this.relay = relay;
        this.subprotocol = subprotocol;
        this.responseHeaders = responseHeaders;
    }

    static void begin(Handoff handoff) {
        CURRENT.set(handoff);
    }

    static Handoff current() {
        return CURRENT.get();
    }

    static void end() {
        CURRENT.remove();
    }
}
