package org.wsproxy.it;

/**
 * The scenario on Apache Tomcat 10.1 (the distribution's zip, version {@code tomcat.dist.version} in
 * pom.xml), routes from deploy-examples/tomcat/wsproxy.xml as conf/Catalina/localhost/wsproxy.xml.
 */
class TomcatIT extends ProxyScenario {

    @Override
    Deployment deployment() {
        return Deployment.tomcat();
    }
}
