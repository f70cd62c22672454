package org.wsproxy.server;

import java.io.IOException;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;

import org.wsproxy.relay.CloseCodes;
import org.wsproxy.relay.Relay;
import org.wsproxy.relay.Side;

/**
 * The endpoint the container creates for each upgraded client: it joins the client session to the
 * relay that the servlet prepared. One instance per client session.
 */
public final class ClientEndpoint extends Endpoint {

    /** Set in onOpen; the container calls onOpen, onError and onClose of one session in order. */
    private Relay relay;

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        relay = (Relay) session.getUserProperties().remove(Handoff.RELAY_KEY);
        if (relay == null) {
            // Not reachable through the servlet (checkOrigin refuses); close rather than hang.
            try {
                session.close(CloseCodes.reason(1011, "no backend"));
            } catch (IOException e) {
                // The session is going away anyway.
            }
            return;
        }
        relay.clientOpened(session);
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        if (relay != null) {
            relay.closed(Side.CLIENT, closeReason);
        }
    }

    @Override
    public void onError(Session session, Throwable error) {
        if (relay != null) {
            relay.failed(Side.CLIENT, error, session);
        }
    }
}
