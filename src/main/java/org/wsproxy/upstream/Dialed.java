package org.wsproxy.upstream;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;

/**
 * A backend connection whose handshake succeeded, blocking still, ready for its leg.
 *
 * @param channel         the connected socket
 * @param leftover        bytes that came behind the 101's head: the backend's first frames
 * @param subprotocol     the subprotocol the backend chose, "" for none
 * @param responseHeaders the 101's header fields, case-insensitive
 */
public record Dialed(SocketChannel channel, ByteBuffer leftover, String subprotocol,
                     Map<String, List<String>> responseHeaders) {
}
