package org.wsproxy.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One proxied path and the backends it leads to, with every option already parsed and checked.
 *
 * <p>Immutable, and built only by {@link RouteConfig}, so holding a {@code Route} means holding a
 * valid one; it is shared by every connection on its path without locking.
 */
public final class Route {

    private final String name;
    /** The url-pattern as written (without surrounding white space): "/chat" or "/chat/*". */
    private final String path;
    /** One or more, distinct, in the order configured; unmodifiable. */
    private final List<URI> backends;
    private final Balance balance;
    private final int maxFails;
    private final Duration failTimeout;
    private final Duration healthCheckInterval;
    private final boolean forwardPath;
    private final boolean forwardQuery;
    private final Origins allowedOrigins;
    /** Lower-case header names; unmodifiable. */
    private final Set<String> dropHeaders;
    private final boolean xForwarded;
    private final boolean preserveHost;
    private final Duration connectTimeout;
    private final Duration idleTimeout;
    private final Duration pingInterval;
    private final long maxMessageSize;
    private final int maxConnections;
    private final Duration drainTime;
    /** Null when the JVM's trust store is used. */
    private final Path trustStore;
    /** Null when not set. Never shown: not in toString(), not in any message. */
    private final String trustStorePassword;
    private final String trustStoreType;
    private final boolean verifyHostname;
    private final boolean forwardUser;
    private final boolean backendCompression;
    /** Peers whose X-Forwarded-For (and -Proto, -Host, -Port) are believed; empty = none. */
    private final AddressBlocks trustedProxies;
    /** Null when not set: the container's support decides (see server.Engines). */
    private final Engine engine;
    private final HttpMode http;
    private final Duration readTimeout;
    private final long maxBodySize;
    private final Sticky sticky;
    /** The sticky cookie's name: as configured, else wsproxy-<name> (see {@link #stickyCookie()}). */
    private final String stickyCookie;
    /** "name=value" of each option set to something other than its default, for toString(). */
    private final String nonDefaults;

    /**
     * @param values a parsed value for every supported option (null where an option has none)
     * @param nonDefaults the options that differ from their defaults, as shown by toString()
     */
    Route(String name, String path, Map<Option<?>, Object> values, String nonDefaults) {
        this.name = name;
        this.path = path;
        this.backends = get(values, Option.BACKEND);
        this.balance = get(values, Option.BALANCE);
        this.maxFails = get(values, Option.MAX_FAILS);
        this.failTimeout = get(values, Option.FAIL_TIMEOUT);
        this.healthCheckInterval = get(values, Option.HEALTH_CHECK_INTERVAL);
        this.forwardPath = get(values, Option.FORWARD_PATH);
        this.forwardQuery = get(values, Option.FORWARD_QUERY);
        this.allowedOrigins = get(values, Option.ALLOWED_ORIGINS);
        this.dropHeaders = get(values, Option.DROP_HEADERS);
        this.xForwarded = get(values, Option.X_FORWARDED);
        this.preserveHost = get(values, Option.PRESERVE_HOST);
        this.connectTimeout = get(values, Option.CONNECT_TIMEOUT);
        this.idleTimeout = get(values, Option.IDLE_TIMEOUT);
        this.pingInterval = get(values, Option.PING_INTERVAL);
        this.maxMessageSize = get(values, Option.MAX_MESSAGE_SIZE);
        this.maxConnections = get(values, Option.MAX_CONNECTIONS);
        this.drainTime = get(values, Option.DRAIN_TIME);
        this.trustStore = get(values, Option.TRUST_STORE);
        this.trustStorePassword = get(values, Option.TRUST_STORE_PASSWORD);
        this.trustStoreType = get(values, Option.TRUST_STORE_TYPE);
        this.verifyHostname = get(values, Option.VERIFY_HOSTNAME);
        this.forwardUser = get(values, Option.FORWARD_USER);
        this.backendCompression = get(values, Option.BACKEND_COMPRESSION);
        this.trustedProxies = get(values, Option.TRUSTED_PROXIES);
        this.engine = get(values, Option.ENGINE);
        this.http = get(values, Option.HTTP);
        this.readTimeout = get(values, Option.READ_TIMEOUT);
        this.maxBodySize = get(values, Option.MAX_BODY_SIZE);
        this.sticky = get(values, Option.STICKY);
        String cookie = get(values, Option.STICKY_COOKIE);
        // A route name may hold characters a cookie name may not (a servlet name is free text).
        this.stickyCookie = cookie != null ? cookie : "wsproxy-" + name.replaceAll("[^!#$%&'*+.^_`|~0-9A-Za-z-]", "-");
        this.nonDefaults = nonDefaults;
    }

    /** What a request that is not a WebSocket handshake gets. */
    public HttpMode http() {
        return http;
    }

    /** With http=proxy: the longest wait for a response head and between two body reads; 0 = none. */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** With http=proxy: the largest request body relayed, in bytes; 0 = unlimited. */
    public long maxBodySize() {
        return maxBodySize;
    }

    public Sticky sticky() {
        return sticky;
    }

    /** The sticky cookie's name, with sticky=cookie. */
    public String stickyCookie() {
        return stickyCookie;
    }

    /** The engine the route asked for, empty when it left the choice to wsproxy. */
    public Optional<Engine> engine() {
        return Optional.ofNullable(engine);
    }

    @SuppressWarnings("unchecked") // RouteDraft stores each value under the option that parsed it
    private static <T> T get(Map<Option<?>, Object> values, Option<T> option) {
        return (T) values.get(option);
    }

    /** The route name: a Form A name, or the servlet name of a Form B route. */
    public String name() {
        return name;
    }

    /** The url-pattern as written, e.g. "/chat" or "/chat/*". */
    public String path() {
        return path;
    }

    /** True for a prefix pattern ("/chat/*", "/*"), false for an exact path. */
    public boolean prefix() {
        return UrlPatterns.isPrefix(path);
    }

    /**
     * The backends, one or more, distinct, in the order configured: ws:// or wss:// URLs, each with
     * an explicit port (80 or 443 when the user gave none). Unmodifiable.
     */
    public List<URI> backends() {
        return backends;
    }

    /** How a backend is picked when there are several. */
    public Balance balance() {
        return balance;
    }

    /** Failed connects in a row after which a backend is out of rotation for {@link #failTimeout()}; at least 1. */
    public int maxFails() {
        return maxFails;
    }

    /** How long a backend that failed maxFails times stays out of rotation; more than zero. */
    public Duration failTimeout() {
        return failTimeout;
    }

    /** How often each backend is probed with a WebSocket handshake; {@link Duration#ZERO} = never. */
    public Duration healthCheckInterval() {
        return healthCheckInterval;
    }

    public boolean forwardPath() {
        return forwardPath;
    }

    public boolean forwardQuery() {
        return forwardQuery;
    }

    /**
     * @param origin the client's Origin header, not null
     * @return true when allowedOrigins is "*" or lists this origin (compared case-insensitively)
     */
    public boolean originAllowed(String origin) {
        return allowedOrigins.allows(origin);
    }

    /** Lower-case names of request headers not passed to the backend; unmodifiable. */
    public Set<String> dropHeaders() {
        return dropHeaders;
    }

    public boolean xForwarded() {
        return xForwarded;
    }

    public boolean preserveHost() {
        return preserveHost;
    }

    /** Always more than zero. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** {@link Duration#ZERO} = never. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** {@link Duration#ZERO} = off. */
    public Duration pingInterval() {
        return pingInterval;
    }

    /** In bytes, at most {@link Integer#MAX_VALUE}; 0 = no limit of our own. */
    public long maxMessageSize() {
        return maxMessageSize;
    }

    /** Connections open or opening at once on this route; 0 = no limit. */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * How long stopping the application spreads the 1001 closes of this route's connections over;
     * {@link Duration#ZERO} = all at once. At most five minutes.
     */
    public Duration drainTime() {
        return drainTime;
    }

    /** An absolute path to a file that was readable at deployment; empty = the JVM's trust store. */
    public Optional<Path> trustStore() {
        return Optional.ofNullable(trustStore);
    }

    /** Present only together with {@link #trustStore()}. */
    public Optional<String> trustStorePassword() {
        return Optional.ofNullable(trustStorePassword);
    }

    /** A KeyStore type this JVM supports; by default {@link java.security.KeyStore#getDefaultType()}. */
    public String trustStoreType() {
        return trustStoreType;
    }

    public boolean verifyHostname() {
        return verifyHostname;
    }

    /** Send the authenticated user's name as X-Forwarded-User. */
    public boolean forwardUser() {
        return forwardUser;
    }

    /** Offer permessage-deflate on the backend leg. */
    public boolean backendCompression() {
        return backendCompression;
    }

    /**
     * The addresses of the proxies in front of wsproxy whose X-Forwarded-For, -Proto, -Host and
     * -Port are believed; empty (the default) means none, so the TCP peer is the client.
     */
    public AddressBlocks trustedProxies() {
        return trustedProxies;
    }

    /** Name, path, backend and the options that differ from their defaults; never the password. */
    @Override
    public String toString() {
        String backend = backends.size() == 1 ? backends.get(0).toString() : backends.toString();
        return "Route[name=" + name + ", path=" + path + ", backend=" + backend
                + (nonDefaults.isEmpty() ? "" : ", " + nonDefaults) + "]";
    }
}
