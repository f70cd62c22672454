package org.wsproxy.wire;

import java.io.IOException;
import java.util.Locale;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;

import org.wsproxy.frames.DeflateParams;
import org.wsproxy.relay.Relay;
import org.wsproxy.relay.RelayTimer;

/** The servlet API's upgrade: {@link FramesUpgrade} with an {@link UpgradeLeg}. */
final class ServletUpgrader implements ClientUpgrader {

    /** True on GlassFish and Payara, whose upgraded connection is Grizzly's: see {@link UpgradeLeg}. */
    private final boolean grizzly;

    ServletUpgrader(boolean grizzly) {
        this.grizzly = grizzly;
    }

    /**
     * True for the containers whose upgraded connection is Grizzly's (GlassFish, Payara), by their
     * {@code getServerInfo()}.
     */
    static boolean onGrizzly(String serverInfo) {
        String info = serverInfo == null ? "" : serverInfo.toLowerCase(Locale.ROOT);
        return info.contains("glassfish") || info.startsWith("payara");
    }

    @Override
    public void upgrade(HttpServletRequest request, Relay relay, RelayTimer timer, SocketLeg backend, DeflateParams deflate,
                        long inflateLimit) throws IOException, ServletException {
        FramesUpgrade handler = request.upgrade(FramesUpgrade.class);
        handler.carry(new UpgradeLeg(relay, timer, backend, deflate, inflateLimit, grizzly));
    }

    @Override
    public String name() {
        return grizzly ? "servlet upgrade, Grizzly" : "servlet upgrade";
    }
}
