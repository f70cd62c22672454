package org.wsproxy.server;

import java.util.List;
import java.util.Locale;

import org.wsproxy.config.ConfigException;
import org.wsproxy.config.Engine;
import org.wsproxy.config.Route;

/**
 * Which engine carries each route: the one the route names, or {@link Engine#FRAMES} where the
 * container's HTTP upgrade is known to work, else {@link Engine#JSR356}. The container is known by {@code ServletContext.getServerInfo()}.
 * <p>
 * The table below is what the integration tests showed on each container; a container not in it
 * gets jsr356 unless a route asks for frames.
 */
final class Engines {

    /**
     * An engine and, in words, why it was chosen: what the startup log says of the route.
     *
     * @param untested true for frames set on a container the frame engine has not been through the
     *                 real-container tests on: the startup log warns
     */
    record Choice(Engine engine, String why, boolean untested) {
        Choice(Engine engine, String why) {
            this(engine, why, false);
        }
    }

    private Engines() {
    }

    /**
     * @param serverInfo the container's {@code getServerInfo()}
     * @throws ConfigException when the route asks for frames where frames cannot serve it
     */
    static Choice choose(Route route, String serverInfo) throws ConfigException {
        String broken = brokenUpgrade(serverInfo);
        if (route.engine().isPresent()) {
            Engine asked = route.engine().get();
            if (asked == Engine.FRAMES && broken != null) {
                throw new ConfigException("route [" + route.name() + "]: engine [frames] cannot run here: " + broken
                        + "; remove the engine option (or set it to jsr356)");
            }
            if (asked == Engine.FRAMES && !knownGood(serverInfo)) {
                return new Choice(asked, "as configured; not yet tested on " + serverInfo
                        + ": the servlet API's upgrade carries the client leg here", true);
            }
            return new Choice(asked, "as configured");
        }
        if (broken != null) {
            return new Choice(Engine.JSR356, "the default on this container: " + broken);
        }
        if (!knownGood(serverInfo)) {
            return new Choice(Engine.JSR356, "the default on a container the frame engine has not been tested on ["
                    + serverInfo + "]; set engine=frames to use it");
        }
        return new Choice(Engine.FRAMES, "the default on " + serverInfo);
    }

    /** Why the container's servlet upgrade cannot carry frames, or null. */
    static String brokenUpgrade(String serverInfo) {
        String info = serverInfo == null ? "" : serverInfo.toLowerCase(Locale.ROOT);
        if (info.startsWith("jetty/12.0.")) {
            return serverInfo + " throws \"Not implemented\" from HttpServletRequest.upgrade (Jetty 12.1 implements it)";
        }
        if (info.startsWith("ibm websphere liberty/")) {
            // Seen on 26.0.0.5: LibertyIT passed once on frames, then lost bytes under load (1007 in
            // the 5 MiB text echo, echoes that never came). UpgradeReadCallback.complete calls
            // UpgradeInputByteBufferUtil.initialRead() whenever onDataAvailable returns: that releases
            // the byte its last read fetched, unread by a paused leg, and starts another asynchronous
            // read, which the reads of the resumed leg then race with.
            return serverInfo + " drops or mixes up bytes of an upgraded connection whose reader stops before the data "
                    + "runs out (as a leg paused for backpressure does): it reads on after every onDataAvailable";
        }
        if (info.startsWith("jetty/12.1.")) {
            // Seen on 12.1.12 (JettyIT, and by hand with a raw client): with Content-Length: 0 in the
            // handshake the same frame is echoed.
            return serverInfo + " parses a client's first frame after the 101 as a new HTTP request (400 \"Illegal "
                    + "character OTEXT=0x81\") unless the handshake had a Content-Length header, which browsers do not send";
        }
        return null;
    }

    /**
     * The containers whose client leg carried the real-container tests' scenario
     * (org.wsproxy.it.ProxyScenario) on frames, by how their {@code getServerInfo()} starts, in
     * lower case. A version not matched here was not tested.
     */
    private static final List<String> KNOWN_GOOD = List.of(
            // Tomcat 10.1 and 11 (TomcatIT, Tomcat11IT), through Tomcat's own upgrade interface
            // (wire.TomcatUpgrade says why not the servlet API's).
            "apache tomcat/",
            // GlassFish 7.0.21, 8.0.0 and Payara 6.2025.9 (GlassFishIT, GlassFishCoHostingIT,
            // GlassFish8IT, PayaraIT): Grizzly sends the 101 only once the response is flushed and
            // calls the listeners only once isReady() was asked; wire.UpgradeLeg does both as it opens.
            "eclipse glassfish 7.",
            "eclipse glassfish 8.",
            "payara server 6.",
            // WildFly 39.0.1 (WildFlyIT; Undertow 2.3.23): its upgraded stream's non-blocking
            // write(b, off, len) writes all of b, so wire.UpgradeLeg hands it exact arrays.
            "wildfly 39.");

    private static boolean knownGood(String serverInfo) {
        String info = serverInfo == null ? "" : serverInfo.toLowerCase(Locale.ROOT);
        return KNOWN_GOOD.stream().anyMatch(info::startsWith);
    }
}
