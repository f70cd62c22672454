package org.wsproxy.upstream;

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

    /**
     * The most header fields a backend request can have. Grizzly's HTTP codec, which writes the
     * Tyrus client's requests, takes at most 100 (its MimeHeaders default; Tyrus offers no way to
     * raise it); with one more it writes nothing at all, and the backend connection would stay
     * open and silent until connectTimeout.
     */
    public static final int MAX_HEADER_FIELDS = 100;

    /** The same request to another URL: another backend of the route. */
    public BackendHandshake to(URI other) {
        return new BackendHandshake(other, headers, subprotocols);
    }

    /** Host, Upgrade, Connection, Sec-WebSocket-Key and Sec-WebSocket-Version, which Tyrus writes itself. */
    private static final int TYRUS_OWN_FIELDS = 5;

    /**
     * How many header fields the backend request will have: these headers (the values of one name
     * are one field) and those Tyrus adds, Sec-WebSocket-Protocol for offered subprotocols and
     * Sec-WebSocket-Extensions for compression among them.
     *
     * @param compression whether permessage-deflate is offered (the route's backendCompression)
     */
    public int headerFields(boolean compression) {
        int fields = headers.size() + TYRUS_OWN_FIELDS + (subprotocols.isEmpty() ? 0 : 1) + (compression ? 1 : 0);
        for (String name : headers.keySet()) {
            if (name.equalsIgnoreCase("Host")) {
                fields--; // preserveHost's Host replaces Tyrus's
            }
        }
        return fields;
    }
}
