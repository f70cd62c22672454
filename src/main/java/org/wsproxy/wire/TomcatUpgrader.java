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
}
