package org.wsproxy.relay;

import java.util.function.UnaryOperator;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;

/** The endpoint the backend client reports to: one per backend connection, bound to its relay. */
public final class BackendEndpoint extends Endpoint {

    private final Relay relay;
    private final UnaryOperator<CloseReason> closes;
    private final Runnable afterWrite;

    /**
     * @param closes     corrects what the backend client reports of a backend's close, where it is
     *                   known to report something other than what the backend sent
     * @param afterWrite run on the writing thread after each write to the backend
     */
    public BackendEndpoint(Relay relay, UnaryOperator<CloseReason> closes, Runnable afterWrite) {
        this.relay = relay;
        this.closes = closes;
        this.afterWrite = afterWrite;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        relay.backendOpened(session, afterWrite);
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        relay.closed(Side.BACKEND, closes.apply(closeReason));
    }

    @Override
    public void onError(Session session, Throwable error) {
        relay.failed(Side.BACKEND, error, session);
    }
}
