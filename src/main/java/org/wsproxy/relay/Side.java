package org.wsproxy.relay;

/** The two legs of a relay. */
public enum Side {
    /** The browser (or other client) that the servlet container accepted. */
    CLIENT,
    /** The backend WebSocket server that wsproxy connected to. */
    BACKEND;

    Side other() {
        return this == CLIENT ? BACKEND : CLIENT;
    }

    public String label() {
        return this == CLIENT ? "client" : "backend";
    }
}
