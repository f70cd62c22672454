package org.wsproxy.upstream;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The bytes of a backend handshake request, header values as the client's bytes came in
 * ({@link HeadText}; the jsr356 engine's client re-encodes them).
 */
final class UpgradeRequest {

    private UpgradeRequest() {
    }

    /** @param extensions the Sec-WebSocket-Extensions offer, null for none */
    static byte[] bytes(BackendHandshake handshake, String key, String extensions) {
        URI uri = handshake.uri();
        StringBuilder head = new StringBuilder(512);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        head.append("GET ").append(path);
        if (uri.getRawQuery() != null) {
            head.append('?').append(uri.getRawQuery());
        }
        head.append(" HTTP/1.1\r\n");
        boolean hostGiven = false;
        for (String name : handshake.headers().keySet()) {
            hostGiven |= name.equalsIgnoreCase("Host");
        }
        if (!hostGiven) {
            head.append("Host: ").append(uri.getHost().contains(":") ? "[" + uri.getHost() + "]" : uri.getHost());
            int defaultPort = "wss".equals(uri.getScheme()) ? 443 : 80;
            if (uri.getPort() != -1 && uri.getPort() != defaultPort) {
                head.append(':').append(uri.getPort());
            }
            head.append("\r\n");
        }
        head.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n");
        head.append("Sec-WebSocket-Key: ").append(key).append("\r\n");
        if (!handshake.subprotocols().isEmpty()) {
            head.append("Sec-WebSocket-Protocol: ").append(String.join(", ", handshake.subprotocols())).append("\r\n");
        }
        if (extensions != null) {
            head.append("Sec-WebSocket-Extensions: ").append(extensions).append("\r\n");
        }
        for (Map.Entry<String, List<String>> header : handshake.headers().entrySet()) {
            for (String value : header.getValue()) {
                head.append(header.getKey()).append(": ").append(HeadText.checked(header.getKey(), value)).append("\r\n");
            }
        }
        head.append("\r\n");
        return HeadText.bytes(head);
    }
}
