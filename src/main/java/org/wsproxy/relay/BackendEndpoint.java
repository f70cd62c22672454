package org.wsproxy.relay;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;

/** The endpoint the backend client reports to: one per backend connection, bound to its relay. */
public final class BackendEndpoint extends Endpoint {

    private final Relay relay;

    public BackendEndpoint(Relay relay) {
        this.relay = relay;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        relay.backendOpened(session);
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        relay.closed(Side.BACKEND, closeReason);
    }

    @Override
    public void onError(Session session, Throwable error) {
        relay.failed(Side.BACKEND, error, session);
    }
}
