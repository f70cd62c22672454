package org.wsproxy.wire;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;

import org.wsproxy.relay.Relay;
import org.wsproxy.relay.RelayTimer;

/** The servlet API's upgrade: {@link FramesUpgrade} with an {@link UpgradeLeg}. */
final class ServletUpgrader implements ClientUpgrader {

    @Override
    public void upgrade(HttpServletRequest request, Relay relay, RelayTimer timer, SocketLeg backend, DeflateParams deflate,
                        long inflateLimit) throws IOException, ServletException {
        FramesUpgrade handler = request.upgrade(FramesUpgrade.class);
        handler.carry(new UpgradeLeg(relay, timer, backend, deflate, inflateLimit));
    }

    @Override
    public String name() {
        return "servlet upgrade";
    }
}
