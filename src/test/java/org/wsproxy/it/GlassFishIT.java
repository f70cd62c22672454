package org.wsproxy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;

/**
 * The scenario and the frameworks scenario on GlassFish 7 (the distribution's zip, version {@code glassfish.version} in pom.xml),
 * deployed and given its routes by deploy-examples/glassfish/deploy-wsproxy.sh.
 */
class GlassFishIT extends ProxyScenario implements FrameworksScenario {

    /**
     * The deployment ran before the tests (src/test/resources/it/glassfish/deploy.sh), which records
     * its exit status rather than fail the build; a failed deployment fails here, with its log.
     */
    @BeforeAll
    static void deployed() throws Exception {
        Path dir = Path.of(System.getProperty("it.glassfish.deploy.dir", "target/it/glassfish"));
        Path status = dir.resolve("deploy.status");
        Path log = dir.resolve("deploy.log");
        String exit = Files.exists(status) ? Files.readString(status, StandardCharsets.US_ASCII).strip() : "missing";
        assertEquals("0", exit, () -> "deploying to GlassFish failed (exit status " + exit + "); " + log + ":\n"
                + read(log));
    }

    @Override
    public Deployment deployment() {
        return Deployment.glassFish();
    }

    @Override
    String defaultEngine() {
        return "frames";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "(cannot read it: " + e + ")";
        }
    }
}
