package org.wsproxy.jsr356;

import java.io.IOException;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;

import org.wsproxy.relay.Close;
import org.wsproxy.relay.CloseCodes;
import org.wsproxy.relay.Relay;
import org.wsproxy.relay.Side;

/**
 * The client leg of the jsr356 engine: the endpoint the container creates for each upgraded
 * client, joined to the relay that the handshake prepared. One instance per client session.
 */
public final class ClientLeg extends Endpoint {

    /** The session (and endpoint config) user property that carries the relay from the handshake to {@link #onOpen}. */
    public static final String RELAY_KEY = "org.wsproxy.relay";

    /**
     * Tomcat's session property (10.1.24, 11.0.0-M20 and later; other containers ignore it):
     * milliseconds Tomcat gives the close frame of any close whose code is not 1000, including its
     * answer to a client's close. Its default is 50: Tomcat takes every other code for an abnormal
     * close (Tomcat bug 68884). For a proxy 1001, 1014 and 4000 are ordinary closes, and 50 ms is too
     * short: if a message from the backend is being written to the client at that moment, or the
     * machine is busy, Tomcat gives up on the close frame and drops the connection, and the client
     * sees 1006 instead of the close its backend or itself chose.
     */
    static final String TOMCAT_CLOSE_SEND_TIMEOUT = "org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT";

    /**
     * Milliseconds, so 5 seconds. Long enough for a close frame queued behind a message part on a
     * busy machine (the longest wait measured under heavy load was 361 ms); short enough that a
     * client that stopped reading holds the closing thread (a delivery thread, or wsproxy's timer
     * thread for idle and ping closes) only briefly. Tomcat gives a 1000 close 20 s.
     */
    static final long CLOSE_SEND_TIMEOUT_MILLIS = 5_000;

    /** What this container reports of a client's close, made what the relay expects. */
    private final ContainerCloses closes;
    /** Set in onOpen; the container calls onOpen, onError and onClose of one session in order. */
    private Relay relay;

    public ClientLeg(ContainerCloses closes) {
        this.closes = closes;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        session.getUserProperties().put(TOMCAT_CLOSE_SEND_TIMEOUT, CLOSE_SEND_TIMEOUT_MILLIS);
        relay = (Relay) session.getUserProperties().remove(RELAY_KEY);
        if (relay == null) {
            // Not reachable through the servlet (checkOrigin refuses); close rather than hang.
            try {
                session.close(CloseCodes.reason(CloseCodes.INTERNAL_ERROR, "no backend"));
            } catch (IOException e) {
                // The session is going away anyway.
            }
            return;
        }
        Inbound.register(session, relay, Side.CLIENT);
        relay.clientOpened(new SessionLeg(session, () -> { }));
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        if (relay != null) {
            relay.closed(Side.CLIENT, closes.apply(closeReason));
        }
    }

    /** The container reports the close separately, unless the session is gone already. */
    @Override
    public void onError(Session session, Throwable error) {
        if (relay != null && !session.isOpen()) {
            relay.closed(Side.CLIENT, Close.dropped());
        }
    }
}
