package org.wsproxy.it;

import org.junit.jupiter.api.BeforeAll;

/**
 * The tests of {@link CoHostingIT} in GlassFish 7: cohost-app.war deployed beside wsproxy.war by
 * src/test/resources/it/glassfish/deploy.sh. What GlassFish needs beyond Tomcat is in the
 * application's WEB-INF/glassfish-web.xml (its own Tyrus first; the role support-agent mapped to the
 * group of that name) and in the domain: the user of the protected route, made by deploy.sh with
 * {@code asadmin create-file-user --groups support-agent} in the file realm.
 */
class GlassFishCoHostingIT extends CoHostingIT {

    /** The deployment, cohost-app's included, ran before the tests; a failed one fails here, with its log. */
    @BeforeAll
    static void deployed() throws Exception {
        GlassFishIT.deployed();
    }

    @Override
    Deployment deployment() {
        return Deployment.glassFish();
    }

    /** GlassFish under load has been seen to write nothing of a whole run to its server.log. */
    @Override
    boolean logIsReliable() {
        return false;
    }
}
