package org.wsproxy.jsr356;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;

import org.wsproxy.backend.GrizzlyThreadLocals;
import org.wsproxy.backend.TyrusCloses;
import org.wsproxy.relay.Close;
import org.wsproxy.relay.CloseCodes;
import org.wsproxy.relay.Relay;
import org.wsproxy.relay.Side;

/**
 * The backend leg of the jsr356 engine: the endpoint the Tyrus client reports a backend
 * connection to, bound to its relay. It undoes what the Tyrus client is known to misreport of a
 * backend's close ({@link TyrusCloses}) and clears what Grizzly leaves on the threads that wrote to
 * the backend ({@link GrizzlyThreadLocals}).
 */
public final class BackendLeg extends Endpoint {

    private final Relay relay;

    public BackendLeg(Relay relay) {
        this.relay = relay;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        if (relay.backendOpened(new SessionLeg(session, GrizzlyThreadLocals::release))) {
            Inbound.register(session, relay, Side.BACKEND);
        }
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        relay.closed(Side.BACKEND, CloseCodes.of(TyrusCloses.normalize(closeReason)));
    }

    /** Tyrus reports the close separately, unless the session is gone already. */
    @Override
    public void onError(Session session, Throwable error) {
        if (!session.isOpen()) {
            relay.closed(Side.BACKEND, Close.dropped());
        }
    }
}
