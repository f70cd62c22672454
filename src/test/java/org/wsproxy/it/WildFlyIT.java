package org.wsproxy.it;

import org.junit.jupiter.api.BeforeAll;

/**
 * The scenario on WildFly (wildfly-dist, {@code matrix.wildfly.version} in pom.xml;
 * {@code mvn verify -Pmatrix}), deployed by deploy-examples/wildfly/deploy-wsproxy.sh with the routes of
 * deploy-examples/wildfly/wsproxy-routes.xml added by a deployment overlay.
 */
class WildFlyIT extends ProxyScenario {

    @BeforeAll
    static void deployed() {
        Deployment.assertScriptDeployed("WildFly", "wildfly");
    }

    @Override
    Deployment deployment() {
        return Deployment.of("WildFly", "wildfly");
    }

    @Override
    String defaultEngine() {
        return "frames";
    }
}
