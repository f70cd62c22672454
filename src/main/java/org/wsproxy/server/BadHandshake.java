package org.wsproxy.server;

/** A client handshake wsproxy refuses before contacting any backend; the message goes in the response body. */
final class BadHandshake extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    BadHandshake(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
