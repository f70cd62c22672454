package org.wsproxy.wire;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;

import org.wsproxy.frames.DeflateParams;
import org.wsproxy.relay.Relay;
import org.wsproxy.relay.RelayTimer;

/** Tomcat's own upgrade: {@link TomcatUpgrade} with a {@link TomcatLeg}. Loaded on Tomcat only. */
final class TomcatUpgrader implements ClientUpgrader {

    @Override
    public void upgrade(HttpServletRequest request, Relay relay, RelayTimer timer, SocketLeg backend, DeflateParams deflate,
                        long inflateLimit) throws IOException, ServletException {
        TomcatUpgrade handler = request.upgrade(TomcatUpgrade.class);
        handler.carry(new TomcatLeg(relay, timer, backend, deflate, inflateLimit));
    }

    @Override
    public String name() {
        return "Tomcat upgrade";
    }

    /**
     * Not a client of a TLS connector: there Tomcat reads and decrypts the upgraded connection in
     * its dispatches, and relaying 1 MiB messages that way stalled at times (both legs idle, the
     * bytes left in Tomcat's TLS buffers; 5 of 8 runs of three 1 MiB echoes in an embedded Tomcat),
     * for a reason not yet found. Such a connection is carried by jsr356 until it is; a plain
     * connector's socket is wsproxy's own (TomcatLeg) and unaffected.
     */
    @Override
    public boolean carries(HttpServletRequest request) {
        return !request.isSecure();
    }
}
