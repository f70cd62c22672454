package org.wsproxy.wire;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;

import org.wsproxy.frames.DeflateParams;
import org.wsproxy.relay.Relay;
import org.wsproxy.relay.RelayTimer;

/**
 * How the frame engine takes a client's connection from the container once the 101 is set: the
 * servlet API's upgrade everywhere, Tomcat's own upgrade interface on Tomcat ({@link #forContainer}).
 */
public interface ClientUpgrader {

    /**
     * Upgrades the request; the container sends the 101 when the servlet returns, then the client
     * leg opens and the backend leg starts reading.
     *
     * @param deflate      permessage-deflate as negotiated with the client, null for none
     * @param inflateLimit the most bytes a compressed client message may inflate to
     */
    void upgrade(HttpServletRequest request, Relay relay, RelayTimer timer, SocketLeg backend, DeflateParams deflate,
                 long inflateLimit) throws IOException, ServletException;

    /** A short name for the startup log. */
    String name();

    /**
     * Tomcat's own upgrade where the application can see it (Tomcat's web application class loader
     * shows its connector's classes), else the servlet API's. Tomcat's class is loaded by name only
     * there, so that other containers never load a class built on Tomcat's.
     *
     * @param serverInfo the container's {@code getServerInfo()}
     */
    static ClientUpgrader forContainer(String serverInfo) {
        if (serverInfo != null && serverInfo.startsWith("Apache Tomcat/")) {
            try {
                Class.forName("org.apache.coyote.http11.upgrade.InternalHttpUpgradeHandler", false,
                        ClientUpgrader.class.getClassLoader());
                return (ClientUpgrader) Class.forName("org.wsproxy.wire.TomcatUpgrader").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                // A Tomcat that hides its connector from applications: the servlet API's upgrade.
            }
        }
        return new ServletUpgrader(ServletUpgrader.onGrizzly(serverInfo));
    }
}
