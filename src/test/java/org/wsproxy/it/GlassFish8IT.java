package org.wsproxy.it;

import org.junit.jupiter.api.BeforeAll;

/**
 * The scenario on GlassFish 8 (the distribution's zip, {@code matrix.glassfish8.version} in pom.xml;
 * {@code mvn verify -Pmatrix}), run on a Java 21+ JDK ({@code matrix.java21.home}), deployed and given
 * its routes by deploy-examples/glassfish/deploy-wsproxy.sh, the script GlassFishIT uses.
 */
class GlassFish8IT extends ProxyScenario {

    @BeforeAll
    static void deployed() {
        Deployment.assertScriptDeployed("GlassFish 8", "glassfish8");
    }

    @Override
    Deployment deployment() {
        return Deployment.of("GlassFish 8", "glassfish8");
    }

    @Override
    String defaultEngine() {
        return "frames";
    }
}
