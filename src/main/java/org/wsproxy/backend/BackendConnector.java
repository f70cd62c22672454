package org.wsproxy.backend;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Session;

import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.client.SslEngineConfigurator;
import org.glassfish.tyrus.container.grizzly.client.GrizzlyClientContainer;
import org.glassfish.tyrus.container.grizzly.client.GrizzlyClientProperties;
import org.glassfish.tyrus.core.MaskingKeyGenerator;
import org.wsproxy.config.Route;
import org.wsproxy.frames.MaskingKeys;
import org.wsproxy.relay.CloseCodes;
import org.wsproxy.upstream.BackendFailure;
import org.wsproxy.upstream.BackendHandshake;
import org.wsproxy.upstream.BackendTls;

/**
 * Opens backend connections for every route of one application.
 * <p>
 * Each route has its own Tyrus {@link ClientManager}, because the handshake timeout and the TLS
 * settings are per-manager properties in Tyrus. All managers use Tyrus's shared Grizzly transport
 * ({@link ClientProperties#SHARED_CONTAINER}): without it Tyrus builds a transport, with its own
 * selector and worker threads, for every connection. The shared transport is static in Tyrus's
 * classes, so it is per class loader: one per application when the WAR bundles Tyrus.
 */
public final class BackendConnector implements AutoCloseable {

    private static final Logger LOG = System.getLogger(BackendConnector.class.getName());

    /**
     * Largest single frame a backend may send, in bytes: Tyrus's client reassembles each frame
     * whole before delivering it, and fails a frame larger than its buffer. 64 MiB plus the largest
     * frame header, so that multi-MiB single-frame messages pass; the buffer grows only as needed.
     */
    static final int MAX_BACKEND_FRAME_BYTES = 64 * 1024 * 1024 + 14;

    /**
     * Threads that deliver backend messages and write them to clients. A delivery blocks while its
     * client is slow to read (that is the backpressure), so the pool grows on demand up to this
     * bound, as Tomcat's own request pool does (its maxThreads is 200); idle threads leave after a
     * minute. Connections that are idle or fast hold no thread, so the count does not follow the
     * number of connections.
     */
    static final int MAX_WORKER_THREADS = 200;

    /** Core worker threads, kept even when idle. */
    static final int CORE_WORKER_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

    /** Seconds the shared transport stays up after its last connection closed (Tyrus's default). */
    static final int SHARED_TRANSPORT_IDLE_SECONDS = 30;

    private final ClassLoader appClassLoader;
    private final ThreadPoolConfig workers;
    private final ThreadPoolConfig selectors;
    private final Map<String, ClientManager> clients = new ConcurrentHashMap<>();
    /** Tyrus's per-session timers for every route: one thread, as the tasks are short. */
    private final TyrusTimer tyrusTimer;
    /** The masking keys of every backend connection of the application. */
    private final MaskingKeyGenerator maskingKeys = new MaskingKeys()::nextInt;
    /** Backend connections that sent their close and wait for the backend's answer. */
    private final ClosingHandshake.Awaiting awaitingAnswers = new ClosingHandshake.Awaiting();
    /** Closes what Tyrus leaves open after a handshake timeout. */
    private final UnansweredHandshakes unanswered;

    /**
     * @param appClassLoader the application's class loader; the transport's threads run with it as
     *                       their context class loader, and Tyrus classes loaded by it are the
     *                       application's to stop
     */
    public BackendConnector(ClassLoader appClassLoader) {
        this.appClassLoader = appClassLoader;
        forgetServerKeyStore(appClassLoader);
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        // Grizzly's own config type for both pools: under GrizzlyClientProperties' keys Tyrus takes
        // only that type and silently ignores its own ThreadPoolConfig, which left the workers
        // unnamed ("Grizzly(n)") and unbounded: 413 of them after the benchmark opened 9,000
        // connections.
        this.workers = ThreadPoolConfig.defaultConfig()
                .setPoolName("wsproxy-backend-worker")
                .setCorePoolSize(CORE_WORKER_THREADS)
                .setMaxPoolSize(MAX_WORKER_THREADS)
                .setKeepAliveTime(60, TimeUnit.SECONDS)
                .setDaemon(true)
                .setInitialClassLoader(appClassLoader);
        this.tyrusTimer = new TyrusTimer(appClassLoader);
        // More selectors than cores are wasted.
        this.selectors = ThreadPoolConfig.defaultConfig()
                .setPoolName("wsproxy-backend-selector")
                .setCorePoolSize(cores)
                .setMaxPoolSize(cores)
                .setDaemon(true)
                .setInitialClassLoader(appClassLoader);
        this.unanswered = new UnansweredHandshakes(workers, selectors);
    }

    /**
     * Opens a connection to the backend of {@code handshake.uri()} and completes its handshake
     * within {@code timeout}: a route with several backends gives each try its share of the route's
     * connectTimeout.
     *
     * @param timeout more than zero; one of a few values per route (a Tyrus client is kept for each)
     * @param endpoint receives the backend session; its onOpen runs before this method returns
     * @throws BackendFailure with the HTTP status for the client when the backend cannot be used
     */
    public BackendConnection connect(Route route, BackendHandshake handshake, Duration timeout, Endpoint endpoint)
            throws BackendFailure {
        boolean secure = "wss".equalsIgnoreCase(handshake.uri().getScheme());
        // Tyrus reads the handshake timeout from its client's properties, not per connection.
        String key = route.name() + (secure ? "|wss|" : "|ws|") + timeout.toMillis();
        ClientManager client = clients.get(key);
        if (client == null) {
            // Outside computeIfAbsent, as a trust store that cannot be loaded is a BackendFailure;
            // nothing is kept then, so the next connection tries again (the file may be fixed).
            SslEngineConfigurator tls = secure ? tls(route) : null;
            client = clients.computeIfAbsent(key, k -> newClient(timeout, tls));
        }
        HeaderConfigurator headers = new HeaderConfigurator(handshake.headers());
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(handshake.subprotocols())
                .extensions(route.backendCompression() ? List.of(new PerMessageDeflate()) : List.of())
                .configurator(headers)
                .build();
        unanswered.watch();
        long start = System.nanoTime();
        Session session;
        try {
            session = client.connectToServer(endpoint, config, forTyrus(handshake.uri()));
        } catch (DeploymentException | IOException | URISyntaxException | RuntimeException e) {
            GrizzlyThreadLocals.release();
            boolean timedOut = System.nanoTime() - start >= timeout.toNanos();
            if (timedOut) {
                unanswered.close(headers.request());
            }
            headers.release();
            throw TyrusFailures.classify(e, timedOut, route.trustStore());
        }
        // The handshake was written on this (container) thread.
        GrizzlyThreadLocals.release();
        ClosingHandshake.install(session, tyrusTimer, awaitingAnswers);
        Map<String, List<String>> responseHeaders = headers.release();
        String subprotocol = session.getNegotiatedSubprotocol() == null ? "" : session.getNegotiatedSubprotocol();
        if (!subprotocol.isEmpty() && !handshake.subprotocols().contains(subprotocol)) {
            // RFC 6455 section 4.1: a client must fail such a connection; the two legs would disagree.
            closeQuietly(session, CloseCodes.reason(CloseCodes.PROTOCOL_ERROR, "subprotocol not offered"));
            throw new BackendFailure(BackendFailure.BAD_GATEWAY, "backend chose subprotocol [" + subprotocol
                    + "], which the client did not offer", null, false);
        }
        return new BackendConnection(session, subprotocol, responseHeaders);
    }

    /**
     * The URI to give Tyrus for {@code uri}. Tyrus's Grizzly client writes the request line from the
     * <em>decoded</em> path ({@code URI.getPath()}) and, depending on its content, the decoded query:
     * given {@code /a%2e%2e} it would send {@code /a..}, and {@code %3F} would turn into a query.
     * So Tyrus gets a URI whose decoded path and query are exactly the encoded ones wsproxy built
     * (the five-argument constructor quotes each '%'), and the wire carries what wsproxy meant.
     */
    static URI forTyrus(URI uri) throws URISyntaxException {
        return new URI(uri.getScheme(), uri.getRawAuthority(), uri.getRawPath(), uri.getRawQuery(), null);
    }

    private static void closeQuietly(Session session, jakarta.websocket.CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing a refused backend session failed", e);
        }
    }

    /** @param tls for a wss:// backend, null for ws:// */
    private ClientManager newClient(Duration timeout, SslEngineConfigurator tls) {
        ClientManager client = new ProxyClientManager(tyrusTimer);
        Map<String, Object> properties = client.getProperties();
        properties.put(ClientProperties.SHARED_CONTAINER, true);
        properties.put(ClientProperties.SHARED_CONTAINER_IDLE_TIMEOUT, SHARED_TRANSPORT_IDLE_SECONDS);
        properties.put(GrizzlyClientProperties.WORKER_THREAD_POOL_CONFIG, workers);
        properties.put(GrizzlyClientProperties.SELECTOR_THREAD_POOL_CONFIG, selectors);
        properties.put(ClientProperties.HANDSHAKE_TIMEOUT, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        properties.put(ClientProperties.INCOMING_BUFFER_SIZE, MAX_BACKEND_FRAME_BYTES);
        properties.put(ClientProperties.REDIRECT_ENABLED, false);
        properties.put(ClientProperties.MASKING_KEY_GENERATOR, maskingKeys);
        if (tls != null) {
            properties.put(ClientProperties.SSL_ENGINE_CONFIGURATOR, tls);
        }
        return client;
    }

    /** The TLS settings of a route's wss:// backends, as Tyrus takes them. */
    private static SslEngineConfigurator tls(Route route) throws BackendFailure {
        BackendTls tls = BackendTls.of(route);
        return new SslEngineConfigurator(tls.context(), true, false, false).setHostVerificationEnabled(tls.verifyHost());
    }

    /**
     * Keeps Grizzly from opening the JVM's key store for wss:// backends.
     * <p>
     * Tyrus gives Grizzly's SSL filter no server-side settings, so Grizzly builds a server SSL
     * context from its defaults, which read the {@code javax.net.ssl.keyStore*} system properties.
     * GlassFish sets the key store but not its password, and every wss:// connection then failed
     * with "Password must not be null" (502). A client never uses that server context, so the
     * defaults of this application's own Grizzly copy get no key store. A Grizzly loaded by someone
     * else (the container) is left alone, as its defaults may serve that owner.
     */
    private static void forgetServerKeyStore(ClassLoader appClassLoader) {
        if (org.glassfish.grizzly.ssl.SSLContextConfigurator.class.getClassLoader() == appClassLoader) {
            org.glassfish.grizzly.ssl.SSLContextConfigurator.DEFAULT_CONFIG.setKeyStoreBytes(null);
        }
    }

    /**
     * Stops the shared transport, if this application's class loader owns Tyrus.
     * <p>
     * Tyrus has no public way to stop its shared Grizzly transport or the static scheduler that
     * would stop it after an idle period; both hold threads that would keep the undeployed
     * application's class loader alive. When Tyrus was loaded by someone else (a container that
     * ships it, or a test class path) those belong to that owner and are left alone.
     */
    @Override
    public void close() {
        clients.clear();
        unanswered.close();
        try {
            // The relays are released as soon as their legs report the close; the backends' answers
            // to the last close frames may still be on their way.
            awaitingAnswers.awaitNone(STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tyrusTimer.shutdownNow();
        ClassLoader tyrusLoader = GrizzlyClientContainer.class.getClassLoader();
        if (tyrusLoader != appClassLoader) {
            LOG.log(Level.DEBUG, "Tyrus is not loaded by this application; leaving its shared transport running");
            return;
        }
        try {
            if (TyrusInternals.CLOSE_SHARED_TRANSPORT == null || TyrusInternals.TIMEOUT_EXECUTOR == null) {
                throw new IllegalStateException("Tyrus's shared transport or its timeout executor is not where "
                        + TyrusInternals.CHECKED_AGAINST + " has it");
            }
            TyrusInternals.CLOSE_SHARED_TRANSPORT.invoke(null);
            // Initialized with the socket class; the timeout filter's executor outlives the transport.
            ExecutorService executor = (ExecutorService) TyrusInternals.TIMEOUT_EXECUTOR.get(null);
            if (executor != null) {
                executor.shutdownNow();
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not stop the Tyrus client's shared transport; its threads may outlive the application", e);
        }
        awaitTransportThreads(STOP_WAIT_MILLIS);
    }

    /**
     * How long stopping waits for the transport's threads to end, in milliseconds: Grizzly stops
     * them asynchronously, and a container checks for leftover threads right after the application
     * stops (Tomcat warns of each one).
     */
    static final long STOP_WAIT_MILLIS = 3000;

    private void awaitTransportThreads(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            boolean ours = thread != Thread.currentThread() && thread.getContextClassLoader() == appClassLoader
                    && (thread.getName().startsWith("wsproxy-backend") || TyrusInternals.isTransportThread(thread));
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (ours && left > 0) {
                try {
                    thread.join(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
