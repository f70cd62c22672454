package org.wsproxy.backend;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * What wsproxy sends in a backend handshake.
 *
 * @param uri          the backend URL for this client (base URL, forwarded path and query)
 * @param headers      request headers to send, by name as the client wrote it; Host only when
 *                     preserveHost is set, Origin only when the client sent one
 * @param subprotocols the subprotocols the client offered, in its order
 */
public record BackendHandshake(URI uri, Map<String, List<String>> headers, List<String> subprotocols) {
}
