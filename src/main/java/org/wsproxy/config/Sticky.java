package org.wsproxy.config;

/** How a client keeps its backend across requests and connections (option {@code sticky}). */
public enum Sticky {

    /** Each request and handshake goes where the balance sends it. */
    NONE("none"),
    /**
     * A cookie names the backend a client was sent to, and its later requests and handshakes go
     * there while it is in rotation: what HTTP-first frameworks need, whose polling requests and
     * upgrade must reach the server that holds their session.
     */
    COOKIE("cookie");

    private final String text;

    Sticky(String text) {
        this.text = text;
    }

    /** The option's spelling. */
    @Override
    public String toString() {
        return text;
    }

    static Sticky parse(String value) {
        return Parsers.oneOf(value, values());
    }
}
