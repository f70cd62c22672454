package org.wsproxy.config;

/** What a route does with a request that is not a WebSocket handshake (option {@code http}). */
public enum HttpMode {

    /** 426 Upgrade Required for a GET, 405 for another method: the route is a WebSocket endpoint only. */
    REFUSE("refuse"),
    /**
     * Relayed to the backend's URL in its HTTP form (ws:// as http://, wss:// as https://), for
     * clients that start over HTTP (Socket.IO's polling, SockJS, Server-Sent Events).
     */
    PROXY("proxy");

    private final String text;

    HttpMode(String text) {
        this.text = text;
    }

    /** The option's spelling. */
    @Override
    public String toString() {
        return text;
    }

    static HttpMode parse(String value) {
        return Parsers.oneOf(value, values());
    }
}
