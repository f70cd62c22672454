package org.wsproxy.wire;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.wsproxy.relay.Relay;
import org.wsproxy.relay.RelayTimer;

/** The servlet API's upgrade: {@link FramesUpgrade} with an {@link UpgradeLeg}; the 101 is flushed at once. */
final class ServletUpgrader implements ClientUpgrader {

    @Override
    public void upgrade(HttpServletRequest request, HttpServletResponse response, Relay relay, RelayTimer timer, SocketLeg backend, DeflateParams deflate,
                        long inflateLimit) throws IOException, ServletException {
        FramesUpgrade handler = request.upgrade(FramesUpgrade.class);
        handler.carry(new UpgradeLeg(relay, timer, backend, deflate, inflateLimit));
        // GlassFish and Payara send the 101 only when it is flushed: their upgrade suspends the
        // response, and the handler's init runs right after the servlet returns, with nothing sent
        // (a client that waits for the 101 before it sends would wait forever). Tyrus's servlet
        // filter flushes for the same reason. Before init, so the 101 precedes any frame.
        response.flushBuffer();
    }

    @Override
    public String name() {
        return "servlet upgrade";
    }
}
