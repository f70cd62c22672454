package org.wsproxy.it;

import org.junit.jupiter.api.BeforeAll;

/**
 * The scenario on Payara Server 6 Community (the distribution's zip, {@code matrix.payara.version} in
 * pom.xml; {@code mvn verify -Pmatrix}), deployed and given its routes by
 * deploy-examples/glassfish/deploy-wsproxy.sh: Payara keeps GlassFish's asadmin commands.
 */
class PayaraIT extends ProxyScenario {

    @BeforeAll
    static void deployed() {
        Deployment.assertScriptDeployed("Payara", "payara");
    }

    @Override
    Deployment deployment() {
        return Deployment.of("Payara", "payara");
    }

    @Override
    String defaultEngine() {
        return "frames";
    }
}
