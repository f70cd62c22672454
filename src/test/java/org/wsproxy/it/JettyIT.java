package org.wsproxy.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;

import org.junit.jupiter.api.Test;

/**
 * The scenario on Eclipse Jetty 12 (jetty-home, {@code matrix.jetty.version} in pom.xml;
 * {@code mvn verify -Pmatrix}) in its ee10 environment: the modules of deploy-examples/jetty/wsproxy.ini
 * and the routes of the context file deploy-examples/jetty/wsproxy.xml. Every route runs on the jsr356
 * engine there (server.Engines says why), and the startup log says so.
 */
class JettyIT extends ProxyScenario {

    /** Engines.brokenUpgrade: Jetty 12.1's servlet upgrade loses the tunnel after a handshake without Content-Length. */
    @Test
    void theStartupLogSaysWhyTheRoutesRunOnJsr356() throws Exception {
        String log = Files.readString(deployment().log());
        assertTrue(log.contains("engine jsr356 (the default on this container: jetty/12.1.")
                && log.contains("parses a client's first frame after the 101 as a new HTTP request"), "no such line in " + deployment().log());
    }

    @Override
    Deployment deployment() {
        return Deployment.of("Jetty", "jetty");
    }

    @Override
    String defaultEngine() {
        return "jsr356";
    }
}
