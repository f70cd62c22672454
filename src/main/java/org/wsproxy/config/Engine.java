package org.wsproxy.config;

/** What carries a route's connections (option {@code engine}). */
public enum Engine {

    /**
     * Frames relayed below the WebSocket APIs: the container's HTTP upgrade on the client leg, a
     * non-blocking socket on the backend leg, frames passed on by their headers, text checked but
     * never decoded. The default where the container's upgrade works.
     */
    FRAMES("frames"),
    /** The container's WebSocket server and a Tyrus client, message by message. */
    JSR356("jsr356");

    private final String text;

    Engine(String text) {
        this.text = text;
    }

    /** The option's spelling. */
    @Override
    public String toString() {
        return text;
    }

    static Engine parse(String value) {
        return Parsers.oneOf(value, values());
    }
}
