package org.wsproxy.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;

import org.junit.jupiter.api.Test;

/**
 * The scenario on Open Liberty (openliberty-runtime, {@code matrix.liberty.version} in pom.xml;
 * {@code mvn verify -Pmatrix}) with the features and application of deploy-examples/liberty/wsproxy.xml
 * and the routes of deploy-examples/liberty/wsproxy-routes.xml.
 */
class LibertyIT extends ProxyScenario {

    /** Engines.brokenUpgrade: Liberty's upgraded stream loses bytes when its reader pauses. */
    @Test
    void theStartupLogSaysWhyTheRoutesRunOnJsr356() throws Exception {
        String log = Files.readString(deployment().log());
        assertTrue(log.contains("engine jsr356 (the default on this container: IBM WebSphere Liberty/")
                && log.contains("drops or mixes up bytes of an upgraded connection"), "no such line in " + deployment().log());
    }

    @Override
    Deployment deployment() {
        return Deployment.of("Open Liberty", "liberty");
    }

    @Override
    String defaultEngine() {
        return "jsr356";
    }

    @Override
    boolean streamsFlushAtOnce() {
        return false;
    }

    /**
     * Liberty's partial-message delivery decodes each text frame to a String on its own
     * ({@code com.ibm.ws.wsoc.link.LinkRead}, 26.0.0.5) and closes with 1007 "Invalid UTF-8 data
     * received." when a frame ends inside a character; only whole-message handlers, which would
     * hold every message whole, decode across frames.
     */
    @Override
    boolean refusesTextSplitInsideACharacter() {
        return true;
    }
}
