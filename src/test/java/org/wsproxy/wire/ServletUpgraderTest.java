package org.wsproxy.wire;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which containers get the client leg's Grizzly treatment (the 101 flushed and a read asked for at open). */
class ServletUpgraderTest {

    /** The getServerInfo() of the Grizzly containers of the test matrix. */
    @ParameterizedTest
    @ValueSource(strings = {"Eclipse GlassFish 7.0.21", "Eclipse GlassFish 8.0.0", "Payara Server 6.2025.9"})
    void grizzlyContainersAreKnownByTheirServerInfo(String serverInfo) {
        assertTrue(ServletUpgrader.onGrizzly(serverInfo), serverInfo);
    }

    /** On these, reading before the container's first onDataAvailable raced with its own read (Open Liberty). */
    @ParameterizedTest
    @ValueSource(strings = {"jetty/12.1.12", "WildFly 39.0.1.Final (WildFly Core 31.0.3.Final) - 2.3.23.Final",
            "IBM WebSphere Liberty/26.0.0.5", "Apache Tomcat/11.0.25", ""})
    void otherContainersAreLeftToCallTheListeners(String serverInfo) {
        assertFalse(ServletUpgrader.onGrizzly(serverInfo), serverInfo);
    }
}
