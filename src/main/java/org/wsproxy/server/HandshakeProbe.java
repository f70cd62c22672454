package org.wsproxy.server;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;

import org.wsproxy.backend.BackendConnection;
import org.wsproxy.backend.BackendConnector;
import org.wsproxy.config.Route;
import org.wsproxy.pool.Backend;
import org.wsproxy.pool.HealthChecks;
import org.wsproxy.relay.CloseCodes;
import org.wsproxy.upstream.BackendFailure;
import org.wsproxy.upstream.BackendHandshake;

/**
 * The health check's probe: a WebSocket handshake to the backend's URL, as configured (no client
 * path or query), closed again at once with 1000. It tests what a client's connection needs, which
 * a TCP connect or an HTTP GET would not: that the backend upgrades.
 * <p>
 * A backend that completes the handshake has answered, and so has one that refuses it with an HTTP
 * status below 500 (401 or 403 from a backend that wants credentials the probe does not have, say):
 * it is up, and its clients get its answer. A 5xx, a refused or reset connection, a TLS failure or
 * no answer within connectTimeout is a failed probe.
 */
final class HandshakeProbe implements HealthChecks.Probe {

    private static final Logger LOG = System.getLogger(HandshakeProbe.class.getName());

    /** Sent as User-Agent, so that backend operators can tell the probes from clients in their logs. */
    static final String USER_AGENT = "wsproxy-health-check";

    private final BackendConnector connector;

    HandshakeProbe(BackendConnector connector) {
        this.connector = connector;
    }

    @Override
    public String probe(Route route, Backend backend) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("User-Agent", List.of(USER_AGENT));
        BackendConnection connection;
        try {
            connection = connector.connect(route, new BackendHandshake(backend.uri(), headers, List.of()),
                    route.connectTimeout(), new Probed());
        } catch (BackendFailure failure) {
            if (!failure.backendFailed() && failure.status() < 500) {
                return null;
            }
            return failure.getMessage();
        }
        try {
            connection.session().close(CloseCodes.reason(1000, "health check"));
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing a health check connection to [" + backend + "] failed", e);
        }
        return null;
    }

    /** The probe's side of the connection: sends nothing, and any message from the backend is dropped. */
    private static final class Probed extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
        }
    }
}
