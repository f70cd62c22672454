package org.wsproxy.backend;

import java.util.List;
import java.util.Map;

import jakarta.websocket.Session;

/**
 * An open backend connection, ready to be paired with the client.
 *
 * @param session         the backend session
 * @param subprotocol     the subprotocol the backend chose, "" for none
 * @param responseHeaders the backend's handshake response headers (case-insensitive keys)
 */
public record BackendConnection(Session session, String subprotocol, Map<String, List<String>> responseHeaders) {
}
