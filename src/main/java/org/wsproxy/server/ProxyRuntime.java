package org.wsproxy.server;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import org.wsproxy.backend.BackendConnector;
import org.wsproxy.config.Engine;
import org.wsproxy.config.HttpMode;
import org.wsproxy.config.Route;
import org.wsproxy.frames.MaskingKeys;
import org.wsproxy.io.IoLoops;
import org.wsproxy.jsr356.ClientLeg;
import org.wsproxy.jsr356.ContainerCloses;
import org.wsproxy.pool.BackendPool;
import org.wsproxy.pool.HealthChecks;
import org.wsproxy.relay.Close;
import org.wsproxy.relay.CloseCodes;
import org.wsproxy.relay.RelayRegistry;
import org.wsproxy.relay.RelayTimer;
import org.wsproxy.upstream.Dialer;
import org.wsproxy.upstream.Resolver;
import org.wsproxy.wire.ClientUpgrader;

/**
 * Everything wsproxy holds for one application, kept as a servlet context attribute (never in a
 * static field, so that applications in one container share nothing).
 */
public final class ProxyRuntime {

    /** The servlet context attribute holding the runtime. */
    public static final String ATTRIBUTE = "org.wsproxy.runtime";

    /** Where each route's endpoint is registered with the container; see the package comment. */
    public static final String INTERNAL_PATH_PREFIX = "/wsproxy-internal/route-";

    /**
     * How long stopping the application waits for the legs to answer their 1001 before stopping the
     * backend transport: long enough for a close handshake on a live connection, short enough not
     * to hold up an undeploy.
     */
    static final Duration STOP_GRACE = Duration.ofSeconds(3);

    /**
     * Threads that run the relays' checks. A check blocks only on a peer that has stopped reading
     * (up to 5 s for a close frame on Tomcat), so a few threads let the checks of healthy
     * connections keep their time while several stalled ones are being closed. Idle threads leave
     * after a minute; the count never follows the number of connections.
     */
    static final int CHECK_THREADS = 4;

    /**
     * Most threads probing backends at once (healthCheckInterval): a probe blocks for up to
     * connectTimeout on a backend that does not answer, so a few threads keep one dead backend from
     * delaying the probes of the others; fewer when fewer backends are probed. Idle threads leave.
     */
    static final int MAX_HEALTH_CHECK_THREADS = 4;

    private static final Logger LOG = System.getLogger(ProxyRuntime.class.getName());

    private final String name;
    /** Route handlers by the name of the servlet that serves them. */
    private final Map<String, RouteHandler> handlers = new LinkedHashMap<>();
    private final Map<String, ServerEndpointConfig> endpointConfigs = new LinkedHashMap<>();
    private final BackendConnector backends;
    /** The frame engine's I/O threads; null when no route uses the frame engine. */
    private final IoLoops loops;
    private final Dialer dialer = new Dialer(Resolver.SYSTEM);
    private final MaskingKeys maskingKeys = new MaskingKeys();
    /** How the frame engine takes client connections over from this container. */
    private final ClientUpgrader upgrader;
    /** How proxied requests' bodies are read on this container: {@link org.wsproxy.http.HttpRoute#readsBodiesBlocking}. */
    private final boolean blockingBodyReads;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ThreadPoolExecutor checks;
    private final RelayTimer timer;
    private final RelayRegistry relays = new RelayRegistry();
    /** Each route's backends, by route name, in route order. */
    private final Map<String, BackendPool> pools = new LinkedHashMap<>();
    private final Observers observers = new Observers();
    /** Null when no route has health checks. */
    private final HealthChecks healthChecks;
    private final ThreadPoolExecutor probes;
    /** Set once in contextInitialized, before any request can arrive. */
    private volatile ServerContainer serverContainer;
    /**
     * False until {@link #stop()} begins; set there once (a second stop does nothing); read by
     * request threads, see {@link #stopping()}.
     */
    private final AtomicBoolean stopping = new AtomicBoolean();

    /**
     * @param engines the engine of each route, by route name
     * @param closes  what the container reports of clients' closes, made what the relay expects
     */
    ProxyRuntime(String name, Map<String, Route> routesByServlet, Map<String, Engines.Choice> engines,
                 ClassLoader appClassLoader, ContainerCloses closes, ClientUpgrader upgrader, boolean blockingBodyReads) {
        this.name = name;
        this.upgrader = upgrader;
        this.blockingBodyReads = blockingBodyReads;
        this.backends = new BackendConnector(appClassLoader);
        // One thread keeps the time for the idle, ping and handoff checks of every relay of the
        // application; the checks run on a small pool (see RelayTimer for why).
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemon("wsproxy-timer" + name, appClassLoader));
        // Relays cancel their checks as traffic moves them; cancelled tasks must not pile up in the queue.
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.checks = new ThreadPoolExecutor(CHECK_THREADS, CHECK_THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemon("wsproxy-check" + name, appClassLoader));
        this.checks.allowCoreThreadTimeOut(true);
        this.timer = new RelayTimer(scheduler, checks);
        boolean frames = engines.values().stream().anyMatch(choice -> choice.engine() == Engine.FRAMES);
        boolean http = routesByServlet.values().stream().anyMatch(route -> route.http() == HttpMode.PROXY);
        this.loops = frames || http ? new IoLoops("wsproxy-io" + name) : null;
        int index = 0;
        for (Map.Entry<String, Route> entry : routesByServlet.entrySet()) {
            Route route = entry.getValue();
            BackendPool pool = new BackendPool(route);
            pools.put(route.name(), pool);
            handlers.put(entry.getKey(), new RouteHandler(pool, this, engines.get(route.name())));
            endpointConfigs.put(route.name(), endpointConfig(INTERNAL_PATH_PREFIX + index++, closes));
        }
        List<BackendPool> allPools = pools();
        if (HealthChecks.wanted(allPools)) {
            int threads = Math.min(MAX_HEALTH_CHECK_THREADS, HealthChecks.probedBackends(allPools));
            this.probes = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    daemon("wsproxy-health" + name, appClassLoader));
            this.probes.allowCoreThreadTimeOut(true);
            this.healthChecks = new HealthChecks(allPools, scheduler, probes, new HandshakeProbe(backends));
        } else {
            this.probes = null;
            this.healthChecks = null;
        }
    }

    /**
     * The container's configuration of one route's endpoint, built with the container's class
     * loader as the thread's context class loader.
     * <p>
     * {@link ServerEndpointConfig.Builder#create} looks up the container's default configurator
     * (which wsproxy then replaces) with a ServiceLoader on the context class loader, and the API
     * class, which belongs to the container, keeps the first answer in a static field for good. Here
     * the context class loader is the application's, and the Tyrus jars in the WAR declare a
     * configurator that a child-first class loader (Tomcat's) finds first: the container kept an
     * instance of wsproxy's copy of Tyrus's configurator, which held the first deployment's class
     * loader after every undeploy, and handed it to every other application as their default.
     */
    private static ServerEndpointConfig endpointConfig(String path, ContainerCloses closes) {
        Thread thread = Thread.currentThread();
        ClassLoader application = thread.getContextClassLoader();
        thread.setContextClassLoader(ServerEndpointConfig.class.getClassLoader());
        try {
            return ServerEndpointConfig.Builder.create(ClientLeg.class, path)
                    .configurator(new ProxyEndpointConfigurator(closes))
                    .build();
        } finally {
            thread.setContextClassLoader(application);
        }
    }

    public RouteHandler handlerFor(String servletName) {
        return handlers.get(servletName);
    }

    /** The engine carrying the connections of the route named {@code routeName}. */
    public Engine engineOf(String routeName) {
        for (RouteHandler handler : handlers.values()) {
            if (handler.route().name().equals(routeName)) {
                return handler.engine();
            }
        }
        throw new IllegalArgumentException("no route [" + routeName + "]");
    }

    public List<Route> routes() {
        return handlers.values().stream().map(RouteHandler::route).toList();
    }

    /** Every route's backends, in route order. */
    public List<BackendPool> pools() {
        return List.copyOf(pools.values());
    }

    /**
     * Adds an observer of handshakes and closes; call while the application starts, before
     * requests arrive (later ones miss what happened before).
     */
    public void addObserver(ProxyObserver observer) {
        observers.add(observer);
    }

    ProxyObserver observers() {
        return observers;
    }

    Collection<ServerEndpointConfig> endpointConfigs() {
        return endpointConfigs.values();
    }

    ServerEndpointConfig endpointConfig(Route route) {
        return endpointConfigs.get(route.name());
    }

    void started(ServerContainer container) {
        this.serverContainer = container;
        if (healthChecks != null) {
            healthChecks.start();
        }
    }

    ServerContainer serverContainer() {
        return serverContainer;
    }

    BackendConnector backends() {
        return backends;
    }

    RelayTimer timer() {
        return timer;
    }

    Dialer dialer() {
        return dialer;
    }

    boolean blockingBodyReads() {
        return blockingBodyReads;
    }

    ClientUpgrader upgrader() {
        return upgrader;
    }

    /** How the frames engine takes client connections over here, for the startup log. */
    String upgraderName() {
        return upgrader.name();
    }

    MaskingKeys maskingKeys() {
        return maskingKeys;
    }

    /** The I/O loops of the frame engine and of HTTP proxying; only routes that use either ask. */
    IoLoops loops() {
        return loops;
    }

    private static ThreadFactory daemon(String prefix, ClassLoader appClassLoader) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            thread.setContextClassLoader(appClassLoader);
            return thread;
        };
    }

    public RelayRegistry relays() {
        return relays;
    }

    /**
     * True once the application is stopping: new handshakes are refused and /health answers 503.
     * Tomcat unmaps an application before it stops it, so there the requests that arrive during
     * the drain get the container's 404 instead; this is for containers that keep routing to it.
     */
    boolean stopping() {
        return stopping.get();
    }

    /**
     * Closes every relay with 1001 on both legs, each route's spread over its drainTime, then stops
     * the timer and the backend transport. Holds the container's undeploy or shutdown for the
     * longest drainTime, plus up to {@link #STOP_GRACE} for the last closes to be answered.
     */
    void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        if (healthChecks != null) {
            healthChecks.stop();
            probes.shutdownNow();
        }
        int open = relays.size();
        Close reason = new Close(CloseCodes.GOING_AWAY, "proxy stopping");
        Duration drainTime = routes().stream().map(Route::drainTime).max(Duration::compareTo).orElse(Duration.ZERO);
        if (open > 0 && !drainTime.isZero()) {
            LOG.log(Level.INFO, "wsproxy" + name + ": closing " + open + " connections over up to " + drainTime + " (drainTime)");
        }
        try {
            relays.drain(reason);
        } catch (InterruptedException e) {
            // Whoever stops the application is in a hurry: the rest go at once.
            relays.closeAll(reason);
            Thread.currentThread().interrupt();
        }
        try {
            if (!relays.awaitEmpty(STOP_GRACE)) {
                LOG.log(Level.INFO, "wsproxy" + name + ": " + relays.size() + " of " + open
                        + " connections did not finish their close handshake in " + STOP_GRACE + "; stopping anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.shutdownNow();
        checks.shutdownNow();
        try {
            // A check may be running; let it end before the container looks for leftover threads.
            scheduler.awaitTermination(1, TimeUnit.SECONDS);
            checks.awaitTermination(1, TimeUnit.SECONDS);
            if (probes != null) {
                probes.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        backends.close();
        for (RouteHandler handler : handlers.values()) {
            if (handler.http() != null) {
                handler.http().close();
            }
        }
        if (loops != null) {
            loops.close();
        }
    }
}
