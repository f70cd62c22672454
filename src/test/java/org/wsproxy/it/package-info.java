/**
 * Integration tests against real containers: {@code target/wsproxy.war}, unchanged, deployed in the
 * Apache Tomcat 10.1 and GlassFish 7 distributions that {@code mvn verify} starts around them (the
 * Cargo section of pom.xml), with its routes set outside the WAR by the files in
 * {@code deploy-examples/}: {@link TomcatIT} and {@link GlassFishIT} (one scenario, both containers);
 * {@link CoHostingIT}, an application of its own with wsproxy inside ({@code deploy-examples/cohost-app},
 * assembled during the build) beside the WAR in the same Tomcat, with a route behind BASIC authentication;
 * {@link TomcatTlsIT}, a second Tomcat whose only connector is a TLS one, with routes to wss://
 * backends ({@code deploy-examples/tomcat/tls}); {@link GlassFishTlsIT}, GlassFish's own TLS listener;
 * {@link GlassFishCoHostingIT}, the co-hosted application in GlassFish; {@link RedeployIT}, 20 undeploys and
 * redeploys and a shutdown under load in a Tomcat of its own ({@link StandaloneTomcat}, started by the test
 * through Cargo's Java API), measured for leaks with jcmd ({@link ContainerJvm}); {@link HaproxyClusterIT},
 * {@code deploy-examples/haproxy-cluster}: a real HAProxy ({@link HaproxyProcess}) in front of two such Tomcats, one of
 * which is stopped and started again under its clients; {@link SoakIT}, thousands of
 * connections with random messages, closes and reconnects through the Tomcat, whose process is
 * measured from outside ({@link ProxyProcess}). With {@code -Pmatrix}, the same
 * scenario on Tomcat 11, GlassFish 8, Payara 6, Jetty 12, WildFly and Open Liberty ({@link Tomcat11IT},
 * {@link GlassFish8IT}, {@link PayaraIT}, {@link JettyIT}, {@link WildFlyIT}, {@link LibertyIT}).
 *
 * <p>Apart from the unit tests because they run only under failsafe: they need the containers, and
 * the ports and log files the build hands them as system properties ({@link Deployment}). The
 * backends they proxy to are {@link org.wsproxy.support.TestBackend}s, started by the test classes on
 * the ports the containers' routes were configured with before they started.
 */
package org.wsproxy.it;
