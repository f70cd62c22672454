package org.wsproxy.server;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.wsproxy.config.AddressBlocks;

/**
 * Who the client of one handshake is, as far as wsproxy can tell, for logs and for anything that
 * tells clients apart.
 *
 * <p>The TCP peer, unless the peer is one of the route's {@code trustedProxies}. Then X-Forwarded-For
 * is read from the right, the way nginx's realip ({@code real_ip_recursive on}) and Tomcat's
 * RemoteIpValve read it: each entry was added by the hop after it, so an entry is believed only
 * while the hop that added it is trusted. The client is the right-most entry that is not itself a
 * trusted proxy. An entry that is not an IP address ({@code unknown}, a name, garbage) ends the
 * walk: nothing to its left can be vouched for, so the client is the last address reached, the
 * trusted hop that forwarded it. When every entry is trusted, the left-most is the client.
 *
 * <p>Immutable.
 */
public final class ClientAddress {

    /** An IP address as written by the peer's socket or in X-Forwarded-For. */
    private final String address;
    /** True when the TCP peer is a trusted proxy, whose X-Forwarded-* headers are believed. */
    private final boolean peerTrusted;

    private ClientAddress(String address, boolean peerTrusted) {
        this.address = address;
        this.peerTrusted = peerTrusted;
    }

    /**
     * The client of a handshake on a route that trusts {@code trustedProxies}. The walk along
     * X-Forwarded-For is bounded by the container's limit on a request head (8 KiB on Tomcat, so
     * at most about 4,000 entries), which every line of it has passed.
     */
    static ClientAddress of(HttpServletRequest request, AddressBlocks trustedProxies) {
        String peer = request.getRemoteAddr();
        if (trustedProxies.isEmpty() || peer == null || !trustedPeer(peer, trustedProxies)) {
            return new ClientAddress(peer, false);
        }
        List<String> chain = new ArrayList<>();
        for (String line : Collections.list(request.getHeaders("X-Forwarded-For"))) {
            for (String entry : line.split(",", -1)) {
                chain.add(entry.strip());
            }
        }
        String client = peer;
        for (int i = chain.size() - 1; i >= 0; i--) {
            InetAddress hop = AddressBlocks.literal(chain.get(i));
            if (hop == null) {
                break;
            }
            client = chain.get(i);
            if (!trustedProxies.contains(hop)) {
                break;
            }
        }
        return new ClientAddress(client, true);
    }

    private static boolean trustedPeer(String remoteAddr, AddressBlocks trustedProxies) {
        InetAddress peer = AddressBlocks.peer(remoteAddr);
        return peer != null && trustedProxies.contains(peer);
    }

    /** The client's IP address, as the peer's socket or the X-Forwarded-For entry wrote it. */
    public String address() {
        return address;
    }

    /** True when the TCP peer is one of the route's trustedProxies. */
    public boolean peerTrusted() {
        return peerTrusted;
    }

    @Override
    public String toString() {
        return address;
    }
}
