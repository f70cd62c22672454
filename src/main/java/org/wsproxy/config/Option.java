package org.wsproxy.config;

import java.net.URI;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The table of route options: each name beside its default, its parser and what it means. Adding
 * an option is one line here (and a getter on {@link Route} when other code needs it).
 *
 * <p>An option can be set for one route ({@code wsproxy.route.<name>.<option>} or a servlet
 * init-param {@code <option>}) or for every route ({@code wsproxy.<option>}).
 *
 * @param <T> the parsed type of the option's values
 */
final class Option<T> {

    /** How an option behaves when it is not set, and whether users may set it at all. */
    enum Kind {
        /** Every route must set it; it has no default. */
        REQUIRED,
        /** Has a default, or none at all when the default text is {@code null}. */
        OPTIONAL,
        /** Optional, and its value is never shown, in {@link Route#toString()} or anywhere else. */
        SECRET,
        /**
         * Named and parsed, but not yet implemented: setting it fails deployment, because an option
         * accepted and then ignored is worse than a clear "not supported yet".
         */
        PLANNED
    }

    // Declared before the options, since each option registers itself here as it is constructed.
    private static final Map<String, Option<?>> BY_NAME = new LinkedHashMap<>();

    static final Option<List<URI>> BACKEND = new Option<>("backend", Kind.REQUIRED, null, Parsers::backends,
            "the ws:// or wss:// URL of the backend, such as ws://backend.example:8080/chat"
            + " (port 80 or 443 when absent), or several, comma-separated, to share connections among");
    static final Option<Boolean> FORWARD_PATH = new Option<>("forwardPath", Kind.OPTIONAL, "true", Parsers::bool,
            "pass the request path on to the backend");
    static final Option<Boolean> FORWARD_QUERY = new Option<>("forwardQuery", Kind.OPTIONAL, "true", Parsers::bool,
            "pass the request's query string on to the backend");
    static final Option<Origins> ALLOWED_ORIGINS = new Option<>("allowedOrigins", Kind.OPTIONAL, "*", Origins::parse,
            "Origin header values accepted, comma-separated; * accepts any");
    static final Option<Set<String>> DROP_HEADERS = new Option<>("dropHeaders", Kind.OPTIONAL, "", Parsers::headerNames,
            "request headers not passed on to the backend, comma-separated");
    static final Option<Boolean> X_FORWARDED = new Option<>("xForwarded", Kind.OPTIONAL, "true", Parsers::bool,
            "add X-Forwarded-For, -Proto, -Host and -Port to the backend request");
    static final Option<Boolean> PRESERVE_HOST = new Option<>("preserveHost", Kind.OPTIONAL, "false", Parsers::bool,
            "send the client's Host header to the backend instead of the backend's host");
    static final Option<Duration> CONNECT_TIMEOUT = new Option<>("connectTimeout", Kind.OPTIONAL, "10s",
            Durations::parsePositive, "longest wait for the backend handshake; must be more than 0");
    static final Option<Duration> IDLE_TIMEOUT = new Option<>("idleTimeout", Kind.OPTIONAL, "0", Durations::parse,
            "close a connection pair after this long without a message; 0 = never");
    static final Option<Duration> PING_INTERVAL = new Option<>("pingInterval", Kind.OPTIONAL, "0", Durations::parse,
            "ping the client and the backend this often; 0 = off");
    static final Option<Long> MAX_MESSAGE_SIZE = new Option<>("maxMessageSize", Kind.OPTIONAL, "0",
            Parsers::messageSize, "largest message relayed, in bytes; 0 = unlimited");
    static final Option<Path> TRUST_STORE = new Option<>("trustStore", Kind.OPTIONAL, null, Parsers::trustStore,
            "file of certificates trusted for wss:// backends; none = the JVM's trust store");
    static final Option<String> TRUST_STORE_PASSWORD = new Option<>("trustStorePassword", Kind.SECRET, null,
            Parsers::password, "password of trustStore");
    static final Option<String> TRUST_STORE_TYPE = new Option<>("trustStoreType", Kind.OPTIONAL,
            KeyStore.getDefaultType(), Parsers::keyStoreType, "KeyStore type of trustStore, such as PKCS12 or JKS");
    static final Option<Boolean> VERIFY_HOSTNAME = new Option<>("verifyHostname", Kind.OPTIONAL, "true", Parsers::bool,
            "check that a wss:// backend's certificate names its host");
    static final Option<Boolean> FORWARD_USER = new Option<>("forwardUser", Kind.OPTIONAL, "false", Parsers::bool,
            "send the container's authenticated user name to the backend as X-Forwarded-User");
    static final Option<Boolean> BACKEND_COMPRESSION = new Option<>("backendCompression", Kind.OPTIONAL, "false",
            Parsers::bool, "offer permessage-deflate to the backend");
    static final Option<Integer> MAX_CONNECTIONS = new Option<>("maxConnections", Kind.OPTIONAL, "0",
            Parsers.intAtLeast(0), "most connections open or opening at once on this route (each holds a backend"
            + " connection); past it, handshakes get 503 with Retry-After; 0 = no limit");

    /**
     * The longest drainTime: the drain runs inside the container's undeploy or shutdown, which
     * waits for it; a process manager stopping the container gives up long before (systemd kills
     * after 90 s by default, Kubernetes after 30 s), and an operator waiting on an undeploy should
     * not wait for more than a few minutes.
     */
    private static final Duration MAX_DRAIN_TIME = Duration.ofMinutes(5);

    static final Option<Duration> DRAIN_TIME = new Option<>("drainTime", Kind.OPTIONAL, "0",
            Durations.atMost(MAX_DRAIN_TIME, "5m"), "when the application stops, close this route's"
            + " connections with 1001 one by one, spread evenly over this time, so that clients do not all reconnect"
            + " at once; 0 = all at once; at most 5m");

    static final Option<AddressBlocks> TRUSTED_PROXIES = new Option<>("trustedProxies", Kind.OPTIONAL, "",
            AddressBlocks::parse, "addresses (IPs or CIDR blocks) whose X-Forwarded-For is believed");
    static final Option<Balance> BALANCE = new Option<>("balance", Kind.OPTIONAL, "round-robin", Balance::parse,
            "how a backend is picked for a new connection: round-robin, least-connections or ip-hash");
    static final Option<Integer> MAX_FAILS = new Option<>("maxFails", Kind.OPTIONAL, "1", Parsers.intAtLeast(1),
            "failed connects in a row before a backend is taken out of rotation");
    static final Option<Duration> FAIL_TIMEOUT = new Option<>("failTimeout", Kind.OPTIONAL, "10s",
            Durations::parsePositive, "how long a failed backend stays out of rotation");
    static final Option<Duration> HEALTH_CHECK_INTERVAL = new Option<>("healthCheckInterval", Kind.OPTIONAL, "0",
            Durations::parse, "probe each backend with a WebSocket handshake this often; a backend out of"
            + " rotation comes back when it answers; 0 = off");

    static final Option<Engine> ENGINE = new Option<>("engine", Kind.OPTIONAL, null, Engine::parse,
            "what carries the route's connections: frames (relayed below the WebSocket APIs) or jsr356 (the"
            + " container's WebSocket server and a Tyrus client); unset = frames where the container supports it,"
            + " else jsr356");

    static final Option<HttpMode> HTTP = new Option<>("http", Kind.OPTIONAL, "refuse", HttpMode::parse,
            "what a request that is not a WebSocket handshake gets: refuse (426 for a GET, 405 for another method)"
            + " or proxy (relayed to the backend's URL as http:// or https://, for Socket.IO, SockJS, Server-Sent Events)");
    static final Option<Duration> READ_TIMEOUT = new Option<>("readTimeout", Kind.OPTIONAL, "60s", Durations::parse,
            "with http=proxy: longest wait for the backend's response head (then 504) and between two reads of its"
            + " body (then the response is cut short); 0 = none");
    static final Option<Long> MAX_BODY_SIZE = new Option<>("maxBodySize", Kind.OPTIONAL, "0", Sizes::parse,
            "with http=proxy: largest request body relayed, in bytes; past it 413; 0 = unlimited");
    static final Option<Sticky> STICKY = new Option<>("sticky", Kind.OPTIONAL, "none", Sticky::parse,
            "none, or cookie: a cookie keeps each client on the backend it was first sent to, for HTTP requests and"
            + " handshakes alike, while that backend is in rotation");
    static final Option<String> STICKY_COOKIE = new Option<>("stickyCookie", Kind.OPTIONAL, null, Parsers::cookieName,
            "name of the sticky cookie; unset = wsproxy-<route name>");

    private final String name;
    private final Kind kind;
    private final String defaultText;
    private final Function<String, T> parser;
    private final String description;
    /** The parsed default; null when the option has no default. */
    private final T defaultValue;

    private Option(String name, Kind kind, String defaultText, Function<String, T> parser, String description) {
        this.name = name;
        this.kind = kind;
        this.defaultText = defaultText;
        this.parser = parser;
        this.description = description;
        // A default that does not parse is a bug here; fail class initialisation, not a user.
        this.defaultValue = defaultText == null ? null : parser.apply(defaultText);
        BY_NAME.put(name, this);
    }

    /** @return the option with this exact (case-sensitive) name, or null */
    static Option<?> named(String name) {
        return BY_NAME.get(name);
    }

    /** Every option, planned ones included, in declaration order. */
    static List<Option<?>> all() {
        return Collections.unmodifiableList(new ArrayList<>(BY_NAME.values()));
    }

    /** The names users may set now, in declaration order, for "known options" in messages. */
    static String supportedNames() {
        StringBuilder names = new StringBuilder();
        for (Option<?> o : BY_NAME.values()) {
            if (o.supported()) {
                names.append(names.length() == 0 ? "" : ", ").append(o.name);
            }
        }
        return names.toString();
    }

    /**
     * @throws IllegalArgumentException with a message starting "expected", if the text is not
     *         a value of this option
     */
    T parse(String text) {
        return parser.apply(text);
    }

    String name() {
        return name;
    }

    Kind kind() {
        return kind;
    }

    boolean supported() {
        return kind != Kind.PLANNED;
    }

    /** The default as documented; null when there is none. */
    String defaultText() {
        return defaultText;
    }

    T defaultValue() {
        return defaultValue;
    }

    String description() {
        return description;
    }

    @Override
    public String toString() {
        return name;
    }
}
