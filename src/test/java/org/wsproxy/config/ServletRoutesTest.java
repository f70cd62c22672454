package org.wsproxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Form B: a route declared as a servlet with init-params. */
class ServletRoutesTest {

    private static final Map<String, String> NO_CONTEXT_PARAMS = Map.of();

    private static String failure(String servlet, Collection<String> patterns, Map<String, String> init,
            Map<String, String> context) {
        return assertThrows(ConfigException.class,
                () -> RouteConfig.fromServlet(servlet, patterns, init, context)).getMessage();
    }

    @Test
    void theServletNameMappingAndInitParamsMakeTheRoute() throws ConfigException {
        Route r = RouteConfig.fromServlet("chat", List.of("/chat/*"),
                Params.of("backend", "wss://b.example/ws", "idleTimeout", "1m", "dropHeaders", "Cookie"),
                NO_CONTEXT_PARAMS);
        assertEquals("chat", r.name());
        assertEquals("/chat/*", r.path());
        assertTrue(r.prefix());
        assertEquals(URI.create("wss://b.example:443/ws"), r.backends().get(0));
        assertEquals(Duration.ofMinutes(1), r.idleTimeout());
        assertEquals(java.util.Set.of("cookie"), r.dropHeaders());
        assertTrue(r.forwardPath());
    }

    @Test
    void contextParamDefaultsApplyAndInitParamsWin() throws ConfigException {
        Map<String, String> context = Params.of("wsproxy.idleTimeout", "1h", "wsproxy.preserveHost", "true",
                "wsproxy.route.other.path", "/other", "unrelated", "x");
        Route r = RouteConfig.fromServlet("chat", List.of("/chat"),
                Params.of("backend", "ws://b/", "idleTimeout", "5s"), context);
        assertEquals(Duration.ofSeconds(5), r.idleTimeout());
        assertTrue(r.preserveHost());
        assertFalse(r.prefix());
    }

    @Test
    void aMalformedInitParamIsNamedAsAnInitParam() {
        assertEquals("route [chat]: init-param [connectTimeout] of servlet [chat] has value [10 sec], "
                        + Durations.EXPECTED,
                failure("chat", List.of("/chat"), Params.of("backend", "ws://b/", "connectTimeout", "10 sec"),
                        NO_CONTEXT_PARAMS));
    }

    @Test
    void aMalformedDefaultIsNamedAsAContextParam() {
        assertEquals("route [chat]: parameter [wsproxy.forwardQuery] has value [maybe], expected true or false",
                failure("chat", List.of("/chat"), Params.of("backend", "ws://b/"),
                        Params.of("wsproxy.forwardQuery", "maybe")));
    }

    @Test
    void aMissingBackendNamesTheInitParam() {
        assertTrue(failure("chat", List.of("/chat"), Map.of(), NO_CONTEXT_PARAMS)
                .startsWith("route [chat]: init-param [backend] of servlet [chat] is missing; expected the ws://"));
    }

    @Test
    void anUnknownInitParamIsRefused() {
        String message = failure("chat", List.of("/chat"), Params.of("backend", "ws://b/", "idletimeout", "5s"),
                NO_CONTEXT_PARAMS);
        assertTrue(message.startsWith("route [chat]: init-param [idletimeout] of servlet [chat]: unknown option "
                + "[idletimeout]; known options: backend, forwardPath,"), message);
        assertFalse(message.contains("path,"), "path is not an init-param: " + message);
    }

    @Test
    void thePathIsTheMappingNotAnInitParam() {
        assertEquals("route [chat]: init-param [path] of servlet [chat] is not allowed; the path of a servlet route "
                + "is its url-pattern",
                failure("chat", List.of("/chat"), Params.of("backend", "ws://b/", "path", "/x"), NO_CONTEXT_PARAMS));
    }

    @Test
    void exactlyOneUrlPatternIsRequired() {
        assertEquals("route [chat]: servlet [chat] is mapped to 0 url-patterns [], expected exactly one url-pattern "
                + "such as /chat or /chat/*",
                failure("chat", List.of(), Params.of("backend", "ws://b/"), NO_CONTEXT_PARAMS));
        assertTrue(failure("chat", List.of("/a", "/b"), Params.of("backend", "ws://b/"), NO_CONTEXT_PARAMS)
                .startsWith("route [chat]: servlet [chat] is mapped to 2 url-patterns [/a, /b], expected exactly one"));
    }

    @Test
    void aMalformedMappingIsNamed() {
        assertEquals("route [chat]: url-pattern of servlet [chat] has value [*.ws], " + UrlPatterns.EXPECTED
                        + "; it must start with /",
                failure("chat", List.of("*.ws"), Params.of("backend", "ws://b/"), NO_CONTEXT_PARAMS));
    }

    @Test
    void theServletNameMustBeAUsableRouteName() {
        assertEquals("route [chat room]: servlet [chat room] gives its name to the route, expected a route name of "
                + "letters, digits, _ and -",
                failure("chat room", List.of("/chat"), Params.of("backend", "ws://b/"), NO_CONTEXT_PARAMS));
    }

    @Test
    void unknownDefaultsFailHereToo() {
        assertTrue(failure("chat", List.of("/chat"), Params.of("backend", "ws://b/"),
                Params.of("wsproxy.verifyHostnames", "false"))
                .startsWith("parameter [wsproxy.verifyHostnames]: unknown option [verifyHostnames]"));
    }

    @Test
    void servletAndContextParamRoutesOnOnePathAreRefused() throws ConfigException {
        Route servlet = RouteConfig.fromServlet("talk", List.of("/chat/*"), Params.of("backend", "ws://t/"),
                NO_CONTEXT_PARAMS);
        List<Route> routes = new java.util.ArrayList<>(RouteConfig.fromContextParams(Params.chat()));
        routes.add(servlet);
        ConfigException e = assertThrows(ConfigException.class, () -> RouteConfig.checkUniquePaths(routes));
        assertEquals("route [chat] and route [talk] have the same path [/chat/*]; a path may belong to one route only",
                e.getMessage());
    }

    @Test
    void aServletNamedLikeAContextParamRouteIsRefused() throws ConfigException {
        Route servlet = RouteConfig.fromServlet("chat", List.of("/talk"), Params.of("backend", "ws://t/"),
                NO_CONTEXT_PARAMS);
        List<Route> routes = new java.util.ArrayList<>(RouteConfig.fromContextParams(Params.chat()));
        routes.add(servlet);
        ConfigException e = assertThrows(ConfigException.class, () -> RouteConfig.checkUniquePaths(routes));
        assertTrue(e.getMessage().startsWith("route [chat] is declared twice, with paths [/chat/*] and [/talk]"),
                e.getMessage());
    }
}
