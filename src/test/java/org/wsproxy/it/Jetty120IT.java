package org.wsproxy.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;

import org.junit.jupiter.api.Test;

/**
 * The scenario on Eclipse Jetty 12.0 ({@code matrix.jetty120.version} in pom.xml; {@code mvn verify
 * -Pmatrix}), installed as on Jetty 12.1 (deploy-examples/jetty/). Jetty 12.0's ee10
 * {@code HttpServletRequest.upgrade} throws "Not implemented", so every route runs on the jsr356
 * engine there, and the startup log says why.
 */
class Jetty120IT extends ProxyScenario {

    @Override
    Deployment deployment() {
        return Deployment.of("Jetty 12.0", "jetty120");
    }

    @Override
    String defaultEngine() {
        return "jsr356";
    }

    @Test
    void theStartupLogSaysWhyTheRoutesRunOnJsr356() throws Exception {
        String log = Files.readString(deployment().log());
        assertTrue(log.contains("engine jsr356 (the default on this container: jetty/12.0.")
                && log.contains("throws \"Not implemented\" from HttpServletRequest.upgrade"), "no such line in " + deployment().log());
    }
}
