package org.wsproxy.server;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;

import org.wsproxy.backend.BackendConnection;
import org.wsproxy.config.Engine;
import org.wsproxy.config.HttpMode;
import org.wsproxy.config.Route;
import org.wsproxy.frames.DeflateParams;
import org.wsproxy.frames.Handshakes;
import org.wsproxy.http.Locations;
import org.wsproxy.jsr356.BackendLeg;
import org.wsproxy.pool.Backend;
import org.wsproxy.pool.BackendPool;
import org.wsproxy.relay.ConnectionInfo;
import org.wsproxy.relay.Relay;
import org.wsproxy.relay.RelaySettings;
import org.wsproxy.upstream.BackendFailure;
import org.wsproxy.upstream.BackendHandshake;
import org.wsproxy.upstream.BackendTls;
import org.wsproxy.upstream.Dialed;
import org.wsproxy.wire.SocketLeg;

/**
 * Answers the handshakes of one route. Everything here happens before the client's 101, so every
 * refusal is an HTTP status the client can see: 405 and 426 for requests that are not WebSocket
 * handshakes, 400 for malformed ones, 403 for a foreign Origin, 431 for more headers than the
 * backend request can carry, 503 for a route at its maxConnections or an application that is
 * stopping, then the backend's verdict.
 */
public final class RouteHandler {

    private static final Logger LOG = System.getLogger(RouteHandler.class.getName());

    /**
     * Seconds, the Retry-After of a 503 (a route at its maxConnections, an application that is
     * stopping): long enough that clients retrying at once do not turn it into a handshake storm,
     * short enough for a connection of a busy route to have closed meanwhile; behind a load
     * balancer, the retry of a stopping instance's client reaches another one.
     */
    static final int RETRY_AFTER_SECONDS = 5;

    /** Bytes a compressed message may inflate to on a route without maxMessageSize: 64 MiB. */
    static final long MAX_INFLATED_BYTES = 64L * 1024 * 1024;

    private final Route route;
    private final BackendPool pool;
    private final ProxyRuntime runtime;
    private final RelaySettings settings;
    private final ConnectionLimit connections;
    /** The engine carrying this route's connections, and why (see {@link Engines}). */
    private final Engines.Choice engine;
    /**
     * True from the first handshake refused for maxConnections until one is let through again, so
     * that a full route logs one warning rather than one per refused client.
     */
    private final AtomicBoolean fullLogged = new AtomicBoolean();
    /** Likewise for a route with no backend in rotation. */
    private final AtomicBoolean noneUpLogged = new AtomicBoolean();
    /**
     * The route's TLS settings for wss:// backends on the frame engine, once loaded; a race loads
     * them twice, harmlessly.
     */
    private volatile BackendTls tls;
    private final StickyCookies sticky;
    /** The route's HTTP proxying, null with http=refuse. */
    private final HttpForwarding http;

    RouteHandler(BackendPool pool, ProxyRuntime runtime, Engines.Choice engine) {
        this.route = pool.route();
        this.engine = engine;
        this.pool = pool;
        this.runtime = runtime;
        this.settings = new RelaySettings(route.idleTimeout(), route.pingInterval(), route.maxMessageSize(),
                route.connectTimeout());
        this.connections = new ConnectionLimit(route.maxConnections());
        this.sticky = new StickyCookies(pool);
        this.http = route.http() == HttpMode.PROXY ? new HttpForwarding(pool, sticky, runtime) : null;
    }

    /** The route's HTTP proxying, null with http=refuse. */
    HttpForwarding http() {
        return http;
    }

    public Route route() {
        return route;
    }

    /** The engine carrying this route's connections. */
    public Engine engine() {
        return engine.engine();
    }

    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (runtime.stopping()) {
            // The container may still route requests here while the application drains; a new
            // connection would only be closed again, so the client is sent to try elsewhere.
            refuseForNow(response, null, "proxy is stopping; retry later");
            return;
        }
        if (http != null && !("GET".equals(request.getMethod()) && headerHasToken(request, "Upgrade", "websocket"))) {
            http.handle(request, response, ClientAddress.of(request, route.trustedProxies()));
            return;
        }
        try {
            checkHandshake(request, response);
        } catch (BadHandshake refused) {
            refuse(response, null, refused.status(), refused.getMessage());
            return;
        }
        ClientAddress client = ClientAddress.of(request, route.trustedProxies());
        // Built once, for the route's first backend; for the others only the URL differs (their base path).
        URI firstBackend = route.backends().get(0);
        BackendHandshake first;
        try {
            first = BackendRequests.build(route, firstBackend, request, client);
        } catch (BadHandshake refused) {
            refuse(response, null, refused.status(), refused.getMessage());
            return;
        }
        List<Backend> candidates = pool.candidates(client.address());
        Backend pinned = sticky.pinned(request);
        candidates = sticky.order(candidates, pinned);
        if (candidates.isEmpty()) {
            if (noneUpLogged.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, () -> "route [" + route.name() + "]: no backend is in rotation; answering new "
                        + "handshakes with 503 until one is back");
            }
            refuseForNow(response, null, "no backend is available; retry later");
            return;
        }
        noneUpLogged.set(false);
        if (!connections.tryAcquire()) {
            if (fullLogged.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, () -> "route [" + route.name() + "]: maxConnections [" + connections.max()
                        + "] reached; answering new handshakes with 503 until connections close");
            }
            refuseForNow(response, null, "route has reached its connection limit; retry later");
            return;
        }
        fullLogged.set(false);
        // The handshake holds one place of maxConnections over all its tries: the relay of the try
        // that opens takes it over; if none opens, it is given back here.
        boolean placeTaken = false;
        try {
            // Each try gets an equal share of connectTimeout, so that every backend in rotation can be
            // tried, and the client has its answer within connectTimeout whatever the backends do.
            Duration share = route.connectTimeout().dividedBy(candidates.size());
            BackendFailure failure = null;
            Backend backend = null;
            for (Backend candidate : candidates) {
                backend = candidate;
                Attempt attempt;
                try {
                    BackendHandshake handshake = candidate.uri().equals(firstBackend) ? first
                            : first.to(BackendRequests.uri(route, candidate.uri(), request));
                    attempt = connect(handshake, client, backend, share);
                } catch (BadHandshake refused) {
                    refuse(response, null, refused.status(), refused.getMessage());
                    return;
                } catch (BackendFailure f) {
                    failure = f;
                    if (f.backendFailed()) {
                        backend.failed(f.getMessage());
                        continue;
                    }
                    break;
                }
                placeTaken = true;
                backend.succeeded();
                String cookie = sticky.setCookie(request, backend, pinned);
                if (cookie != null) {
                    response.addHeader("Set-Cookie", cookie);
                }
                if (attempt.frames() != null) {
                    upgradeFrames(request, response, client, backend, attempt);
                } else {
                    upgrade(request, response, client, backend, attempt);
                }
                return;
            }
            Backend last = backend;
            BackendFailure f = failure;
            Level level = f.status() == BackendFailure.BAD_GATEWAY || f.status() == BackendFailure.GATEWAY_TIMEOUT
                    ? Level.WARNING : Level.DEBUG;
            LOG.log(level, () -> "route [" + route.name() + "]: client [" + client + "]: backend [" + last + "]: "
                    + f.getMessage() + "; answering the client with " + f.status(), f.getCause());
            String clientBase = HttpForwarding.clientBase(route, request);
            URI backendBase = HttpForwarding.httpForm(last.uri());
            BackendResponses.copy(f.headers(), response, location -> Locations.rewrite(location, backendBase, clientBase));
            refuse(response, last, f.status(), f.getMessage());
        } finally {
            if (!placeTaken) {
                connections.release();
            }
        }
    }

    /**
     * A relay whose backend leg opened, waiting for the client's upgrade.
     *
     * @param backend the jsr356 engine's backend session, null on the frame engine
     * @param frames  the frame engine's backend leg, null on jsr356
     */
    private record Attempt(Relay relay, BackendConnection backend, SocketLeg frames, String subprotocol,
                           Map<String, List<String>> responseHeaders) {
    }

    /**
     * Opens a backend connection for this client: a relay is registered first, so that the drain
     * of a stopping application closes it too. The relay gives the handshake's place in
     * maxConnections back when it is released, unless the connect fails.
     *
     * @throws BackendFailure when this backend cannot be used; its relay is released
     */
    private Attempt connect(BackendHandshake handshake, ClientAddress client, Backend backend, Duration timeout)
            throws BackendFailure {
        backend.opening();
        ConnectionInfo connection = new ConnectionInfo(route.name(), client.address(), handshake.uri());
        ConnectionRelease release = new ConnectionRelease(route, backend, runtime, connections);
        Relay relay = new Relay(connection, settings, runtime.timer(), backend.in(), backend.out(), release);
        runtime.relays().add(relay, route.drainTime());
        try {
            if (engine.engine() == Engine.FRAMES) {
                return dial(relay, handshake, timeout);
            }
            BackendConnection opened = runtime.backends().connect(route, handshake, timeout, new BackendLeg(relay));
            return new Attempt(relay, opened, null, opened.subprotocol(), opened.responseHeaders());
        } catch (BackendFailure failure) {
            release.leavePlace();
            relay.abandon();
            throw failure;
        }
    }

    /** The frame engine's backend connection: dialed here, its leg open before the client's 101. */
    private Attempt dial(Relay relay, BackendHandshake handshake, Duration timeout) throws BackendFailure {
        BackendTls tls = "wss".equals(handshake.uri().getScheme()) ? tls() : null;
        Dialed dialed = runtime.dialer().dial(handshake, timeout, tls, route.backendCompression());
        SocketLeg leg;
        try {
            leg = new SocketLeg(relay, runtime.timer(), runtime.maskingKeys(), dialed.channel(), dialed.tls(),
                    runtime.loops().next(), dialed.leftover(), dialed.deflate(), inflateLimit());
        } catch (IOException e) {
            dialed.close();
            throw new BackendFailure(BackendFailure.BAD_GATEWAY, "backend connection failed: "
                    + BackendFailure.describe(e), e, true);
        }
        relay.backendOpened(leg);
        return new Attempt(relay, null, leg, dialed.subprotocol(), dialed.responseHeaders());
    }

    /** The route's TLS settings, loaded at the first wss:// connection (and again while loading fails). */
    private BackendTls tls() throws BackendFailure {
        BackendTls loaded = tls;
        if (loaded == null) {
            loaded = BackendTls.of(route);
            tls = loaded;
        }
        return loaded;
    }

    /**
     * The frame engine's client upgrade: the 101 is written here, and the container hands the
     * connection to the leg once it is out.
     */
    private void upgradeFrames(HttpServletRequest request, HttpServletResponse response, ClientAddress client,
                               Backend backend, Attempt attempt) throws IOException {
        boolean upgraded = false;
        try {
            response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
            BackendResponses.copy(attempt.responseHeaders(), response);
            response.setHeader("Upgrade", "websocket");
            response.setHeader("Connection", "Upgrade");
            response.setHeader("Sec-WebSocket-Accept", Handshakes.accept(request.getHeader("Sec-WebSocket-Key")));
            if (!attempt.subprotocol().isEmpty()) {
                response.setHeader("Sec-WebSocket-Protocol", attempt.subprotocol());
            }
            // The client leg's extensions are wsproxy's own to negotiate, as the container's are on jsr356.
            DeflateParams deflate = DeflateParams.negotiate(Collections.list(request.getHeaders("Sec-WebSocket-Extensions")))
                    .orElse(null);
            if (deflate != null) {
                response.setHeader("Sec-WebSocket-Extensions", deflate.response());
            }
            runtime.upgrader().upgrade(request, attempt.relay(), runtime.timer(), attempt.frames(), deflate, inflateLimit());
            upgraded = true;
        } catch (IOException | ServletException | RuntimeException e) {
            LOG.log(Level.WARNING, "route [" + route.name() + "]: client [" + client + "]: the container could not upgrade "
                    + "the client connection", e);
            if (!response.isCommitted()) {
                response.reset();
                refuse(response, backend, 500, "upgrade failed");
            }
        } finally {
            if (!upgraded) {
                attempt.relay().abandon();
            }
        }
        if (upgraded) {
            runtime.observers().handshake(route, backend, 101);
        }
    }

    /**
     * The most bytes a compressed message (a client's, or a backend's) may inflate to: maxMessageSize,
     * else 64 MiB, so that a few KiB on the wire cannot make wsproxy produce gigabytes for the other peer.
     */
    private long inflateLimit() {
        return route.maxMessageSize() > 0 ? route.maxMessageSize() : MAX_INFLATED_BYTES;
    }

    /** Hands the relay to the container, which upgrades the client and opens its leg. */
    private void upgrade(HttpServletRequest request, HttpServletResponse response, ClientAddress client, Backend backend,
                         Attempt attempt) throws IOException {
        Handoff handoff = new Handoff(attempt.relay(), attempt.subprotocol(), attempt.responseHeaders());
        Handoff.begin(handoff);
        try {
            runtime.serverContainer().upgradeHttpToWebSocket(request, response, runtime.endpointConfig(route), Map.of());
        } catch (DeploymentException | RuntimeException e) {
            LOG.log(Level.WARNING, "route [" + route.name() + "]: client [" + client + "]: the container could not upgrade "
                    + "the client connection", e);
            if (!response.isCommitted()) {
                refuse(response, backend, 500, "upgrade failed");
            }
        } finally {
            Handoff.end();
            if (!handoff.claimed) {
                attempt.relay().abandon();
            }
        }
        if (handoff.claimed) {
            runtime.observers().handshake(route, backend, 101);
        }
    }

    private void checkHandshake(HttpServletRequest request, HttpServletResponse response) throws BadHandshake {
        if (!"GET".equals(request.getMethod())) {
            response.setHeader("Allow", "GET");
            throw new BadHandshake(405, "a WebSocket handshake is a GET request");
        }
        if (!headerHasToken(request, "Upgrade", "websocket") || !headerHasToken(request, "Connection", "upgrade")) {
            response.setHeader("Upgrade", "websocket");
            response.setHeader("Connection", "Upgrade");
            response.setHeader("Sec-WebSocket-Version", "13");
            throw new BadHandshake(426, "this URL is a WebSocket endpoint; connect with a WebSocket client");
        }
        // Each of these three is checked on every line it came on: the container, the backend and
        // a check of the first line alone could each take a different one of them as the value.
        List<String> versions = Collections.list(request.getHeaders("Sec-WebSocket-Version"));
        if (versions.size() != 1 || !versions.get(0).trim().equals("13")) {
            response.setHeader("Sec-WebSocket-Version", "13");
            throw new BadHandshake(426, "unsupported Sec-WebSocket-Version " + versions + "; this server speaks 13");
        }
        // RFC 6455 section 11.3.1: the key must not appear more than once.
        List<String> keys = Collections.list(request.getHeaders("Sec-WebSocket-Key"));
        if (keys.size() != 1 || !validKey(keys.get(0))) {
            throw new BadHandshake(400, "missing, repeated or malformed Sec-WebSocket-Key");
        }
        for (String origin : Collections.list(request.getHeaders("Origin"))) {
            if (!route.originAllowed(origin)) {
                throw new BadHandshake(403, "origin not allowed");
            }
        }
    }

    private static boolean headerHasToken(HttpServletRequest request, String header, String token) {
        var values = request.getHeaders(header);
        while (values.hasMoreElements()) {
            for (String part : values.nextElement().split(",")) {
                if (part.trim().toLowerCase(Locale.ROOT).equals(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** RFC 6455 section 4.2.1: the key is 16 random bytes in base64. */
    private static boolean validKey(String key) {
        try {
            return Base64.getDecoder().decode(key.trim()).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** 503 with {@link #RETRY_AFTER_SECONDS}: the handshake may succeed later, here or elsewhere. */
    private void refuseForNow(HttpServletResponse response, Backend backend, String message) throws IOException {
        response.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        refuse(response, backend, 503, message);
    }

    /** @param backend the backend whose answer this is, null when none was asked */
    private void refuse(HttpServletResponse response, Backend backend, int status, String message) throws IOException {
        runtime.observers().handshake(route, backend, status);
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().println(message);
    }
}
