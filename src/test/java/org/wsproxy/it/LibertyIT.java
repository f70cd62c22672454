package org.wsproxy.it;

/**
 * The scenario on Open Liberty (openliberty-runtime, {@code matrix.liberty.version} in pom.xml;
 * {@code mvn verify -Pmatrix}) with the features and application of deploy-examples/liberty/wsproxy.xml
 * and the routes of deploy-examples/liberty/wsproxy-routes.xml.
 */
class LibertyIT extends ProxyScenario {

    @Override
    Deployment deployment() {
        return Deployment.of("Open Liberty", "liberty");
    }
}
