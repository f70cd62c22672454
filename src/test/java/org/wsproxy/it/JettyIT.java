package org.wsproxy.it;

/**
 * The scenario on Eclipse Jetty 12 (jetty-home, {@code matrix.jetty.version} in pom.xml;
 * {@code mvn verify -Pmatrix}) in its ee10 environment: the modules of deploy-examples/jetty/wsproxy.ini
 * and the routes of the context file deploy-examples/jetty/wsproxy.xml.
 */
class JettyIT extends ProxyScenario {

    @Override
    Deployment deployment() {
        return Deployment.of("Jetty", "jetty");
    }

    @Override
    String defaultEngine() {
        return "jsr356";
    }
}
