/**
 * Integration tests against real containers: {@code target/wsproxy.war}, unchanged, deployed in the
 * Apache Tomcat 10.1 and GlassFish 7 distributions that {@code mvn verify} starts around them (the
 * Cargo section of pom.xml), with its routes set outside the WAR by the files in
 * {@code deploy-examples/}.
 *
 * <p>Apart from the unit tests because they run only under failsafe: they need the containers, and
 * the ports and log files the build hands them as system properties ({@link Deployment}). The
 * backend they proxy to is {@link org.wsproxy.support.TestBackend}, started by each test class on the
 * port the containers' routes were configured with before they started.
 */
package org.wsproxy.it;
