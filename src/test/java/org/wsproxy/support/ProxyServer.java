package org.wsproxy.support;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.catalina.LifecycleState;
import org.apache.catalina.Wrapper;
import org.apache.tomcat.websocket.server.WsSci;
import org.wsproxy.WebSocketProxyServlet;
import org.wsproxy.metrics.MetricsServlet;
import org.wsproxy.relay.Relay;
import org.wsproxy.server.HealthServlet;
import org.wsproxy.server.IndexServlet;
import org.wsproxy.server.ProxyRuntime;
import org.wsproxy.server.WsProxyInitializer;
import org.wsproxy.status.StatusServlet;

/**
 * wsproxy in an embedded Tomcat on 127.0.0.1 and a free port, configured the way web.xml would:
 * context-params (form A) and servlet declarations with init-params (form B).
 */
public final class ProxyServer implements AutoCloseable {

    /** The system property naming the engine the suites run on; unset = wsproxy's default. */
    public static final String ENGINE_PROPERTY = "wsproxy.test.engine";

    /** The role of the user of {@link Builder#basicAuth}, which its security-constraint requires. */
    private static final String BASIC_AUTH_ROLE = "wsproxy-user";

    private final EmbeddedTomcat server;

    private ProxyServer(Builder builder) {
        server = new EmbeddedTomcat(builder.contextPath, 0);
        if (builder.tls != null) {
            server.tls(builder.tls);
        }
        builder.connectorAttributes.forEach(server::connectorAttribute);
        builder.contextParams.forEach(server.context::addParameter);
        builder.servlets.forEach((name, init) -> {
            Wrapper wrapper = server.context.createWrapper();
            wrapper.setName(name);
            wrapper.setServletClass(WebSocketProxyServlet.class.getName());
            init.params.forEach(wrapper::addInitParameter);
            server.context.addChild(wrapper);
            server.context.addServletMappingDecoded(init.urlPattern, name);
        });
        server.context.addServletContainerInitializer(new WsSci(), null);
        server.context.addServletContainerInitializer(new WsProxyInitializer(), null);
        Map<String, User> users = new LinkedHashMap<>(builder.users);
        if (builder.basicAuthPattern != null) {
            users.put(builder.basicAuthUser, new User(builder.basicAuthPassword, List.of(BASIC_AUTH_ROLE)));
        }
        if (!users.isEmpty()) {
            login(users);
        }
        if (builder.basicAuthPattern != null) {
            protect(builder.basicAuthPattern);
        }
        if (builder.index) {
            org.apache.catalina.startup.Tomcat.addServlet(server.context, "index", new IndexServlet());
            server.context.addServletMappingDecoded("", "index");
        }
        if (builder.status) {
            org.apache.catalina.startup.Tomcat.addServlet(server.context, "status", new StatusServlet());
            server.context.addServletMappingDecoded("/status/*", "status");
        }
        if (builder.health) {
            org.apache.catalina.startup.Tomcat.addServlet(server.context, "health", new HealthServlet());
            server.context.addServletMappingDecoded("/health", "health");
        }
        if (builder.metrics) {
            org.apache.catalina.startup.Tomcat.addServlet(server.context, "metrics", new MetricsServlet());
            server.context.addServletMappingDecoded("/metrics", "metrics");
        }
        try {
            server.start();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** A realm of {@code users} and BASIC authentication, as a web.xml login-config would declare it. */
    private void login(Map<String, User> users) {
        server.context.setRealm(new org.apache.catalina.realm.RealmBase() {
            @Override
            protected String getPassword(String username) {
                User user = users.get(username);
                return user == null ? null : user.password();
            }

            @Override
            protected java.security.Principal getPrincipal(String username) {
                return new org.apache.catalina.realm.GenericPrincipal(username, users.get(username).roles());
            }
        });
        org.apache.tomcat.util.descriptor.web.LoginConfig login = new org.apache.tomcat.util.descriptor.web.LoginConfig();
        login.setAuthMethod("BASIC");
        login.setRealmName("wsproxy");
        server.context.setLoginConfig(login);
        server.context.getPipeline().addValve(new org.apache.catalina.authenticator.BasicAuthenticator());
        users.values().forEach(user -> user.roles().forEach(server.context::addSecurityRole));
    }

    /** A security-constraint on {@code pattern} that requires {@link #BASIC_AUTH_ROLE}. */
    private void protect(String pattern) {
        org.apache.tomcat.util.descriptor.web.SecurityCollection collection = new org.apache.tomcat.util.descriptor.web.SecurityCollection();
        collection.addPatternDecoded(pattern);
        org.apache.tomcat.util.descriptor.web.SecurityConstraint constraint = new org.apache.tomcat.util.descriptor.web.SecurityConstraint();
        constraint.addAuthRole(BASIC_AUTH_ROLE);
        constraint.addCollection(collection);
        server.context.addConstraint(constraint);
    }

    private record User(String password, List<String> roles) {
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A proxy with one form A route named {@code r} at {@code path} to {@code backend}; with a null
     * backend, the options name the backend (a list of several, say).
     */
    public static ProxyServer route(String path, URI backend, String... options) {
        Builder builder = builder().param("wsproxy.route.r.path", path);
        if (backend != null) {
            builder.param("wsproxy.route.r.backend", backend.toString());
        }
        for (int i = 0; i + 1 < options.length; i += 2) {
            builder.param("wsproxy.route.r." + options[i], options[i + 1]);
        }
        return builder.start();
    }

    public int port() {
        return server.port();
    }

    /** True if the application started (false when its configuration was refused). */
    public boolean started() {
        return server.context.getState() == LifecycleState.STARTED;
    }

    /** A ws:// URL, or wss:// when the proxy was built with {@link Builder#tls}. */
    public URI ws(String pathAndQuery) {
        String scheme = server.scheme().equals("https") ? "wss" : "ws";
        return URI.create(scheme + "://127.0.0.1:" + port() + server.context.getPath() + pathAndQuery);
    }

    /** An http:// URL, or https:// when the proxy was built with {@link Builder#tls}. */
    public URI http(String pathAndQuery) {
        return URI.create(server.scheme() + "://127.0.0.1:" + port() + server.context.getPath() + pathAndQuery);
    }

    /** The application's wsproxy runtime. */
    public ProxyRuntime runtime() {
        return (ProxyRuntime) server.context.getServletContext().getAttribute(ProxyRuntime.ATTRIBUTE);
    }

    /** Relays (client and backend pairs) the application still holds. */
    public int openRelays() {
        return runtime().relays().size();
    }

    /** Waits up to {@code seconds} for every relay to be released; returns how many are left. */
    public int awaitNoRelays(long seconds) throws InterruptedException {
        return awaitRelays(0, seconds);
    }

    /** Waits up to {@code seconds} until at most {@code left} relays are held; returns how many are. */
    public int awaitRelays(int left, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (openRelays() > left && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (openRelays() > left) {
            // For the failure's diagnosis: the state of each relay still held, and of its legs.
            System.err.println("relays still held: " + runtime().relays().open().stream().map(Relay::describe).toList());
        }
        return openRelays();
    }

    /** Stops the application (as an undeploy does), leaving Tomcat running. */
    public void stopApplication() throws Exception {
        server.context.stop();
    }

    @Override
    public void close() {
        server.close();
    }

    /** Configuration of a {@link ProxyServer}. */
    public static final class Builder {
        private String contextPath = "";
        private boolean index;
        private boolean health;
        private boolean status;
        private final Map<String, User> users = new LinkedHashMap<>();
        private boolean metrics;
        private String basicAuthPattern;
        private String basicAuthUser;
        private String basicAuthPassword;
        private TestCertificates.ServerCertificate tls;
        private final Map<String, String> contextParams = new LinkedHashMap<>();
        private final Map<String, ServletDeclaration> servlets = new LinkedHashMap<>();
        private final Map<String, String> connectorAttributes = new LinkedHashMap<>();

        {
            // As the WAR's web.xml does: Tomcat's per-connection message buffers (see webapp/WEB-INF/web.xml).
            contextParams.put("org.apache.tomcat.websocket.binaryBufferSize", "4096");
            contextParams.put("org.apache.tomcat.websocket.textBufferSize", "4096");
            // The wire-level suites run once per engine (see the pom's surefire executions): the
            // engine under test is every route's unless a test names one for its route.
            String engine = System.getProperty(ENGINE_PROPERTY);
            if (engine != null && !engine.isEmpty()) {
                contextParams.put("wsproxy.engine", engine);
            }
        }

        public Builder contextPath(String path) {
            this.contextPath = path;
            return this;
        }

        /** An attribute of the {@code <Connector>}, as server.xml would set it. */
        public Builder connector(String attribute, String value) {
            connectorAttributes.put(attribute, value);
            return this;
        }

        public Builder param(String name, String value) {
            contextParams.put(name, value);
            return this;
        }

        /** Declares a form B servlet: name, url-pattern, then init-param name/value pairs. */
        public Builder servlet(String name, String urlPattern, String... initParams) {
            ServletDeclaration declaration = new ServletDeclaration(urlPattern);
            for (int i = 0; i + 1 < initParams.length; i += 2) {
                declaration.params.put(initParams[i], initParams[i + 1]);
            }
            servlets.put(name, declaration);
            return this;
        }

        /** Requires BASIC authentication as {@code user}/{@code password} on {@code pattern} (a security-constraint). */
        public Builder basicAuth(String pattern, String user, String password) {
            this.basicAuthPattern = pattern;
            this.basicAuthUser = user;
            this.basicAuthPassword = password;
            return this;
        }

        /** Also serves the WAR's index page at the context root, as web.xml does. */
        public Builder index() {
            this.index = true;
            return this;
        }

        /** Also serves the WAR's status page at /status, as web.xml does. */
        public Builder status() {
            this.status = true;
            return this;
        }

        /**
         * A user of the application's realm, with BASIC authentication as its login-config (and no
         * security-constraint: an application's own code may ask the container to authenticate).
         */
        public Builder user(String name, String password, String... roles) {
            users.put(name, new User(password, List.of(roles)));
            return this;
        }

        /** Also serves the WAR's health check at /health, as web.xml does. */
        public Builder health() {
            this.health = true;
            return this;
        }

        /** Also serves the WAR's Prometheus metrics at /metrics, as web.xml does. */
        public Builder metrics() {
            this.metrics = true;
            return this;
        }

        /** Clients connect over TLS (wss://): the container's connector serves {@code certificate}. */
        public Builder tls(TestCertificates.ServerCertificate certificate) {
            this.tls = certificate;
            return this;
        }

        public ProxyServer start() {
            return new ProxyServer(this);
        }
    }

    private static final class ServletDeclaration {
        final String urlPattern;
        final Map<String, String> params = new LinkedHashMap<>();

        ServletDeclaration(String urlPattern) {
            this.urlPattern = urlPattern;
        }
    }
}
