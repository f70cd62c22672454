package org.wsproxy.upstream;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;

import org.wsproxy.frames.DeflateParams;
import org.wsproxy.io.TlsChannel;

/**
 * A backend connection whose handshake succeeded, blocking still, ready for its leg.
 *
 * @param channel         the connected socket
 * @param tls             TLS over the socket for a wss:// backend, null for ws://
 * @param leftover        bytes that came behind the 101's head (decrypted): the backend's first frames
 * @param subprotocol     the subprotocol the backend chose, "" for none
 * @param responseHeaders the 101's header fields, case-insensitive
 * @param deflate         permessage-deflate as the backend accepted it, null for none
 */
public record Dialed(SocketChannel channel, TlsChannel tls, ByteBuffer leftover, String subprotocol,
                     Map<String, List<String>> responseHeaders, DeflateParams deflate) {

    /** Closes a connection that will not be used. */
    public void close() {
        TlsChannel.close(channel, tls);
    }
}
