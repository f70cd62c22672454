package org.wsproxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsproxy.config.ConfigException;
import org.wsproxy.config.Engine;
import org.wsproxy.config.Route;
import org.wsproxy.config.RouteConfig;

/** Which engine each route gets, by the container it runs in and what it asks for. */
class EnginesTest {

    private static final String TOMCAT = "Apache Tomcat/10.1.50";
    private static final String JETTY_12_0 = "jetty/12.0.30";

    private static Route route(String... more) throws ConfigException {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("wsproxy.route.chat.path", "/chat/*");
        params.put("wsproxy.route.chat.backend", "ws://backend.example:8080/chat");
        for (int i = 0; i < more.length; i += 2) {
            params.put("wsproxy.route.chat." + more[i], more[i + 1]);
        }
        return RouteConfig.fromContextParams(params).get(0);
    }

    /** The getServerInfo() of each container whose client leg passed the real-container tests. */
    @ParameterizedTest
    @ValueSource(strings = {TOMCAT, "Apache Tomcat/11.0.25", "Eclipse GlassFish 7.0.21", "Eclipse GlassFish 8.0.0",
            "Payara Server 6.2025.9", "WildFly 39.0.1.Final (WildFly Core 31.0.3.Final) - 2.3.23.Final"})
    void framesIsTheDefaultWhereTheUpgradeIsKnownToWork(String serverInfo) throws Exception {
        Engines.Choice choice = Engines.choose(route(), serverInfo);
        assertEquals(Engine.FRAMES, choice.engine());
        assertFalse(choice.untested());
        assertTrue(choice.why().contains(serverInfo), choice.why());
    }

    /** A version of a known-good container that the tests did not run on. */
    @Test
    void anotherVersionOfAKnownContainerIsNotKnownGood() throws Exception {
        Engines.Choice choice = Engines.choose(route(), "Eclipse GlassFish 6.2.5");
        assertEquals(Engine.JSR356, choice.engine());
        assertTrue(choice.why().contains("not been tested on [Eclipse GlassFish 6.2.5]"), choice.why());
    }

    @Test
    void jsr356IsTheDefaultWhereTheUpgradeIsBrokenAndTheLogSaysWhy() throws Exception {
        Engines.Choice choice = Engines.choose(route(), JETTY_12_0);
        assertEquals(Engine.JSR356, choice.engine());
        assertTrue(choice.why().contains("Not implemented"), choice.why());
    }

    @Test
    void openLibertyKeepsJsr356AndTheLogSaysWhy() throws Exception {
        Engines.Choice choice = Engines.choose(route(), "IBM WebSphere Liberty/26.0.0.5");
        assertEquals(Engine.JSR356, choice.engine());
        assertTrue(choice.why().contains("drops or mixes up bytes"), choice.why());
        assertThrows(ConfigException.class, () -> Engines.choose(route("engine", "frames"), "IBM WebSphere Liberty/26.0.0.5"));
    }

    @Test
    void jetty121KeepsJsr356AndTheLogSaysWhy() throws Exception {
        Engines.Choice choice = Engines.choose(route(), "jetty/12.1.12");
        assertEquals(Engine.JSR356, choice.engine());
        assertTrue(choice.why().contains("parses a client's first frame after the 101 as a new HTTP request"), choice.why());
        assertThrows(ConfigException.class, () -> Engines.choose(route("engine", "frames"), "jetty/12.1.12"));
    }

    @Test
    void anExplicitFramesWhereTheUpgradeIsBrokenFailsTheDeployment() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> Engines.choose(route("engine", "frames"), JETTY_12_0));
        assertTrue(e.getMessage().startsWith("route [chat]: engine [frames] cannot run here: jetty/12.0.30"), e.getMessage());
    }

    @Test
    void anExplicitFramesOnAContainerNotYetTestedRunsWithAWarning() throws Exception {
        Engines.Choice choice = Engines.choose(route("engine", "frames"), "Resin/4.0.66");
        assertEquals(Engine.FRAMES, choice.engine());
        assertTrue(choice.untested());
        assertTrue(choice.why().contains("not yet tested on Resin/4.0.66"), choice.why());
        assertFalse(Engines.choose(route("engine", "frames"), TOMCAT).untested());
    }

    @Test
    void anExplicitJsr356IsKeptEverywhere() throws Exception {
        assertEquals(Engine.JSR356, Engines.choose(route("engine", "jsr356"), TOMCAT).engine());
        assertEquals(Engine.JSR356, Engines.choose(route("engine", "JSR356"), JETTY_12_0).engine());
    }

    @Test
    void aBadEngineValueNamesTheParameterAndTheChoices() {
        ConfigException e = assertThrows(ConfigException.class, () -> route("engine", "netty"));
        assertTrue(e.getMessage().contains("engine") && e.getMessage().contains("netty")
                && e.getMessage().contains("frames, jsr356"), e.getMessage());
    }
}
