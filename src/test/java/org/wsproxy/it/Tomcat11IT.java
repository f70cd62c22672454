package org.wsproxy.it;

/**
 * The scenario on Apache Tomcat 11 (the distribution's zip, {@code matrix.tomcat11.version} in pom.xml;
 * {@code mvn verify -Pmatrix}), routes from deploy-examples/tomcat/wsproxy.xml, the file TomcatIT uses.
 */
class Tomcat11IT extends ProxyScenario {

    @Override
    Deployment deployment() {
        return Deployment.of("Tomcat 11", "tomcat11");
    }

    @Override
    String defaultEngine() {
        return "frames";
    }
}
