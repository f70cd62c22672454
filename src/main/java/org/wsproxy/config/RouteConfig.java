package org.wsproxy.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads routes from the two forms of {@code web.xml} declaration into {@link Route}s.
 *
 * <p>Form A, context-params: {@code wsproxy.route.<name>.path}, {@code wsproxy.route.<name>.backend}
 * and {@code wsproxy.route.<name>.<option>}. Form B, a servlet: its name is the route name, its
 * one url-pattern the path, its init-params the options. In both forms {@code wsproxy.<option>}
 * context-params set the default of an option for every route.
 *
 * <p>Every name under {@code wsproxy.} must be known: a misspelt option would otherwise be
 * ignored without a word and the proxy would run with a setting the user believes is changed.
 * Parameters are read in name order, so the problem reported first is the same on every start.
 */
public final class RouteConfig {

    /** Prefix of every wsproxy context-param; {@code wsproxy.<option>} is a default for every route. */
    public static final String PARAM_PREFIX = "wsproxy.";

    /** Prefix of a Form A route's context-params: {@code wsproxy.route.<name>.<option>}. */
    public static final String ROUTE_PREFIX = "wsproxy.route.";

    private static final Pattern ROUTE_NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private static final String NAME_EXPECTED = "expected a route name of letters, digits, _ and -";

    private RouteConfig() {
    }

    /**
     * Form A: every route declared with {@code wsproxy.route.<name>.*} context-params.
     *
     * @param contextParams all context-params of the application; those outside {@code wsproxy.}
     *        are ignored
     * @return the routes, ordered by name, with distinct paths; empty if none is declared
     */
    public static List<Route> fromContextParams(Map<String, String> contextParams) throws ConfigException {
        Map<Option<?>, RouteDraft.Param> defaults = defaults(contextParams);
        String known = "path, " + Option.supportedNames();
        Map<String, RouteDraft> drafts = new TreeMap<>();
        for (Map.Entry<String, String> param : sorted(contextParams).entrySet()) {
            String key = param.getKey();
            if (!key.startsWith(ROUTE_PREFIX)) {
                continue;
            }
            String rest = key.substring(ROUTE_PREFIX.length());
            int dot = rest.indexOf('.');
            if (dot < 0) {
                throw new ConfigException("parameter [" + key + "] names no route option, expected "
                        + ROUTE_PREFIX + "<name>.<option> such as " + ROUTE_PREFIX + "chat.backend");
            }
            String name = rest.substring(0, dot);
            String option = rest.substring(dot + 1);
            checkName(name, "parameter [" + key + "] names route [" + name + "]");
            RouteDraft draft = drafts.computeIfAbsent(name,
                    n -> new RouteDraft(n, o -> "parameter [" + ROUTE_PREFIX + n + "." + o + "]", known, defaults));
            if (option.equals("path")) {
                draft.path(new RouteDraft.Param("parameter [" + key + "]", param.getValue()));
            } else {
                draft.option(option, param.getValue());
            }
        }
        List<Route> routes = new ArrayList<>();
        for (RouteDraft draft : drafts.values()) {
            routes.add(draft.build());
        }
        checkUniquePaths(routes);
        return List.copyOf(routes);
    }

    /**
     * Form B: one servlet declaration.
     *
     * @param servletName the servlet name, which is the route name
     * @param urlPatterns the servlet's mappings; exactly one is required
     * @param initParams the servlet's init-params, which are the route's options
     * @param contextParams all context-params of the application, for the {@code wsproxy.<option>}
     *        defaults
     */
    public static Route fromServlet(String servletName, Collection<String> urlPatterns,
            Map<String, String> initParams, Map<String, String> contextParams) throws ConfigException {
        Objects.requireNonNull(urlPatterns, "urlPatterns");
        checkName(servletName, "servlet [" + servletName + "] gives its name to the route");
        String pathLabel = "url-pattern of servlet [" + servletName + "]";
        if (urlPatterns.size() != 1) {
            throw new ConfigException("route [" + servletName + "]: servlet [" + servletName + "] is mapped to "
                    + urlPatterns.size() + " url-patterns " + urlPatterns
                    + ", expected exactly one url-pattern such as /chat or /chat/*");
        }
        RouteDraft draft = new RouteDraft(servletName, o -> "init-param [" + o + "] of servlet [" + servletName + "]",
                Option.supportedNames(), defaults(contextParams));
        draft.path(new RouteDraft.Param(pathLabel, urlPatterns.iterator().next()));
        for (Map.Entry<String, String> param : sorted(initParams).entrySet()) {
            if (param.getKey().equals("path")) {
                throw new ConfigException("route [" + servletName + "]: init-param [path] of servlet [" + servletName
                        + "] is not allowed; the path of a servlet route is its url-pattern");
            }
            draft.option(param.getKey(), param.getValue());
        }
        return draft.build();
    }

    /**
     * Fails when two routes share a path, naming both, since only one of them could ever be
     * reached. Also fails when two routes share a name (one declared as context-params, one as a
     * servlet), since the name is what identifies a route in logs and messages.
     */
    public static void checkUniquePaths(List<Route> routes) throws ConfigException {
        Map<String, Route> byPath = new HashMap<>();
        Map<String, Route> byName = new HashMap<>();
        for (Route route : routes) {
            Route other = byPath.putIfAbsent(route.path(), route);
            if (other != null) {
                throw new ConfigException("route [" + other.name() + "] and route [" + route.name()
                        + "] have the same path [" + route.path() + "]; a path may belong to one route only");
            }
            other = byName.putIfAbsent(route.name(), route);
            if (other != null) {
                throw new ConfigException("route [" + route.name() + "] is declared twice, with paths ["
                        + other.path() + "] and [" + route.path() + "]; a route name may be used once, either in "
                        + ROUTE_PREFIX + "<name> context-params or as a servlet name");
            }
        }
    }

    /**
     * The {@code wsproxy.<option>} context-params, by option; unknown names fail here. The
     * application-level settings are {@link ProxySettings}'s, not options.
     */
    private static Map<Option<?>, RouteDraft.Param> defaults(Map<String, String> contextParams)
            throws ConfigException {
        Map<Option<?>, RouteDraft.Param> defaults = new HashMap<>();
        for (Map.Entry<String, String> param : sorted(contextParams).entrySet()) {
            String key = param.getKey();
            if (!key.startsWith(PARAM_PREFIX) || key.startsWith(ROUTE_PREFIX) || ProxySettings.isSetting(key)) {
                continue;
            }
            String name = key.substring(PARAM_PREFIX.length());
            Option<?> option = Option.named(name);
            String label = "parameter [" + key + "]";
            if (option == null) {
                throw new ConfigException(label + ": unknown option [" + name + "]; known options: "
                        + Option.supportedNames() + "; routes are declared as " + ROUTE_PREFIX + "<name>.<option>"
                        + "; application settings: " + ProxySettings.names());
            }
            if (option.kind() == Option.Kind.REQUIRED) {
                throw new ConfigException(label + " cannot be a default for every route; set " + name
                        + " on each route, as " + ROUTE_PREFIX + "<name>." + name + " or as an init-param");
            }
            if (!option.supported()) {
                throw new ConfigException(label + ": option [" + name
                        + "] is not supported yet by this version of wsproxy");
            }
            defaults.put(option, new RouteDraft.Param(label, param.getValue()));
        }
        return defaults;
    }

    /** Name order, for a stable first error; entries without a value are treated as absent. */
    private static Map<String, String> sorted(Map<String, String> params) {
        Map<String, String> sorted = new TreeMap<>();
        params.forEach((k, v) -> {
            if (k != null && v != null) {
                sorted.put(k, v);
            }
        });
        return sorted;
    }

    private static void checkName(String name, String where) throws ConfigException {
        if (name == null || !ROUTE_NAME.matcher(name).matches()) {
            throw new ConfigException("route [" + name + "]: " + where + ", " + NAME_EXPECTED);
        }
    }
}
