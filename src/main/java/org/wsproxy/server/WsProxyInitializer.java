package org.wsproxy.server;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;

import org.wsproxy.config.ConfigException;
import org.wsproxy.config.Engine;
import org.wsproxy.config.HttpMode;
import org.wsproxy.config.ProxySettings;
import org.wsproxy.config.Route;
import org.wsproxy.config.RouteConfig;
import org.wsproxy.http.HttpRoute;
import org.wsproxy.jsr356.ContainerCloses;
import org.wsproxy.wire.ClientUpgrader;

/**
 * Reads the routes when the application starts and fails the deployment on a bad value.
 * <p>
 * A {@link ServletContainerInitializer} rather than a listener, because only an initializer (or a
 * listener declared in web.xml) may add servlets, and the context-param routes (form A) each get a
 * servlet here. Servlets declared in web.xml with {@code org.wsproxy.WebSocketProxyServlet} (form B) are read
 * from their registrations. Both end in the same {@link Route} model. Container services that
 * initializers may not rely on yet (the WebSocket {@code ServerContainer}) are used by
 * {@link ProxyLifecycle}, registered from here.
 */
public final class WsProxyInitializer implements ServletContainerInitializer {

    private static final Logger LOG = System.getLogger(WsProxyInitializer.class.getName());

    /**
     * The servlet class users declare in web.xml (form B), and the one made for each form A route,
     * named as web.xml names it: that class depends on this package, not the other way round.
     */
    static final String SERVLET_CLASS = "org.wsproxy.WebSocketProxyServlet";

    /** Name prefix of the servlets created for form A routes. */
    static final String SERVLET_PREFIX = "wsproxy.route.";

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) throws ServletException {
        String app = "[" + context.getContextPath() + "]";
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : Collections.list(context.getInitParameterNames())) {
            params.put(name, context.getInitParameter(name));
        }
        Map<String, Route> routesByServlet = new LinkedHashMap<>();
        Map<String, Engines.Choice> engines = new LinkedHashMap<>();
        ProxySettings settings;
        try {
            settings = ProxySettings.fromContextParams(params);
            for (ServletRegistration registration : context.getServletRegistrations().values()) {
                if (SERVLET_CLASS.equals(registration.getClassName())) {
                    Route route = RouteConfig.fromServlet(registration.getName(), registration.getMappings(),
                            registration.getInitParameters(), params);
                    routesByServlet.put(registration.getName(), route);
                    if (route.http() == HttpMode.PROXY) {
                        asyncSupported(registration, route);
                    }
                }
            }
            List<Route> formA = RouteConfig.fromContextParams(params);
            List<Route> all = new ArrayList<>(routesByServlet.values());
            all.addAll(formA);
            RouteConfig.checkUniquePaths(all);
            for (Route route : all) {
                engines.put(route.name(), Engines.choose(route, context.getServerInfo()));
            }
            for (Route route : formA) {
                String servletName = SERVLET_PREFIX + route.name();
                ServletRegistration.Dynamic registration = context.addServlet(servletName, SERVLET_CLASS);
                if (registration == null) {
                    throw new ServletException("wsproxy" + app + ": route [" + route.name() + "]: a servlet named ["
                            + servletName + "] already exists");
                }
                // HTTP proxying streams bodies with the servlet's asynchronous I/O.
                registration.setAsyncSupported(true);
                Set<String> taken = registration.addMapping(route.path());
                if (!taken.isEmpty()) {
                    throw new ServletException("wsproxy" + app + ": route [" + route.name() + "]: path [" + route.path()
                            + "] is already mapped to another servlet");
                }
                routesByServlet.put(servletName, route);
            }
        } catch (ConfigException e) {
            LOG.log(Level.ERROR, "wsproxy" + app + ": " + e.getMessage());
            throw new ServletException("wsproxy" + app + ": " + e.getMessage(), e);
        }
        ContainerCloses closes = ContainerCloses.of(context.getServerInfo());
        ProxyRuntime runtime = new ProxyRuntime(app, routesByServlet, engines, context.getClassLoader(), closes,
                ClientUpgrader.forContainer(context.getServerInfo()), HttpRoute.readsBodiesBlocking(context.getServerInfo()));
        context.setAttribute(ProxyRuntime.ATTRIBUTE, runtime);
        // Before ProxyLifecycle: the metrics then close after the runtime has stopped.
        for (ProxyExtension extension : ServiceLoader.load(ProxyExtension.class, WsProxyInitializer.class.getClassLoader())) {
            extension.install(context, runtime, settings);
        }
        context.addListener(new ProxyLifecycle(runtime));
        if (routesByServlet.isEmpty()) {
            LOG.log(Level.INFO, "wsproxy" + app + ": no routes configured. Add one with the context-params "
                    + "wsproxy.route.<name>.path (e.g. /chat/*) and wsproxy.route.<name>.backend (e.g. ws://10.0.0.5:9000/chat)");
        }
        for (Route route : routesByServlet.values()) {
            Engines.Choice engine = engines.get(route.name());
            String clientLeg = engine.engine() == Engine.FRAMES ? "; client leg: " + runtime.upgraderName() : "";
            LOG.log(engine.untested() ? Level.WARNING : Level.INFO, "wsproxy" + app + ": " + route + "; engine "
                    + engine.engine() + " (" + engine.why() + clientLeg + ")");
        }
        if (closes != ContainerCloses.STANDARD) {
            LOG.log(Level.INFO, "wsproxy" + app + ": " + context.getServerInfo() + " reports a client's dropped connection as"
                    + " close code 1011: a client's 1011 reaches its backend as 1001 (the client went away)");
        }
    }

    /**
     * A route declared in web.xml with http=proxy needs asynchronous requests: turned on here where
     * the container lets an initializer do so (Tomcat, GlassFish), else the deployment fails with
     * what to write.
     */
    private static void asyncSupported(ServletRegistration registration, Route route) throws ConfigException {
        try {
            if (registration instanceof ServletRegistration.Dynamic dynamic) {
                dynamic.setAsyncSupported(true);
                return;
            }
        } catch (IllegalStateException e) {
            // not allowed here: said below
        }
        throw new ConfigException("route [" + route.name() + "]: http=proxy needs <async-supported>true</async-supported>"
                + " in the <servlet> of [" + registration.getName() + "] in web.xml");
    }
}
