package org.wsproxy.backend;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;

import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.tyrus.container.grizzly.client.GrizzlyClientContainer;

/**
 * Every private part of the Tyrus client and of Grizzly that wsproxy reaches, in one place.
 * <p>
 * Checked against {@value #CHECKED_AGAINST}. Each handle is looked up once, with the class loader
 * that loaded Tyrus (the WAR's, or the container's where the container ships Tyrus and loads it
 * first); a handle that does not resolve is null, and its user falls back to Tyrus's own behaviour
 * after one WARNING that says what is lost. {@code TyrusInternalsTest} resolves every handle of
 * {@link #all()}, so that a Tyrus or Grizzly upgrade that renames one fails the build instead of
 * degrading quietly.
 */
final class TyrusInternals {

    /** The versions the names below were read from. */
    static final String CHECKED_AGAINST = "Tyrus 2.1.5 with Grizzly 4.0.2";

    private static final Logger LOG = System.getLogger(TyrusInternals.class.getName());
    private static final ClassLoader TYRUS = GrizzlyClientContainer.class.getClassLoader();

    static final String CLIENT_SOCKET = "org.glassfish.tyrus.container.grizzly.client.GrizzlyClientSocket";
    /** The filter that carries a connection's handshake (its class is matched by name on a filter chain). */
    static final String CLIENT_FILTER = "org.glassfish.tyrus.container.grizzly.client.GrizzlyClientFilter";
    private static final String TIMEOUT_FILTER = "org.glassfish.tyrus.container.grizzly.client.GrizzlyTransportTimeoutFilter";

    /** GrizzlyClientSocket's static shared transport (UnansweredHandshakes). */
    static final Field SHARED_TRANSPORT = field(CLIENT_SOCKET, "transport");
    /** GrizzlyClientSocket.getOrCreateSharedTransport(workers, selectors) (UnansweredHandshakes). */
    static final Method CREATE_SHARED_TRANSPORT = method(CLIENT_SOCKET, "getOrCreateSharedTransport",
            ThreadPoolConfig.class, ThreadPoolConfig.class);
    /** GrizzlyClientSocket.closeSharedTransport() (BackendConnector, when the application stops). */
    static final Method CLOSE_SHARED_TRANSPORT = method(CLIENT_SOCKET, "closeSharedTransport");
    /** GrizzlyClientFilter's upgrade request and client engine (UnansweredHandshakes). */
    static final Field FILTER_REQUEST = field(CLIENT_FILTER, "upgradeRequest");
    static final Field FILTER_ENGINE = field(CLIENT_FILTER, "engine");
    /** GrizzlyTransportTimeoutFilter's static executor, which outlives the transport (BackendConnector). */
    static final Field TIMEOUT_EXECUTOR = field(TIMEOUT_FILTER, "executorService");
    /** From a client session's remote endpoint to its Grizzly connection (ClosingHandshake). */
    static final Field REMOTE_SOCKET = field("org.glassfish.tyrus.core.TyrusRemoteEndpoint", "webSocket");
    static final Field SOCKET_HANDLER = field("org.glassfish.tyrus.core.TyrusWebSocket", "protocolHandler");
    static final Field HANDLER_WRITER = field("org.glassfish.tyrus.core.ProtocolHandler", "writer");
    static final Field WRITER_CONNECTION = field("org.glassfish.tyrus.container.grizzly.client.GrizzlyWriter", "connection");
    /** The task a Tyrus session schedules for its idle timeout after every message (TyrusTimer). */
    static final Class<?> IDLE_TIMEOUT_COMMAND = type("org.glassfish.tyrus.core.TyrusSession$IdleTimeoutCommand");
    /** Grizzly's per-thread state that it never removes (GrizzlyThreadLocals). */
    static final Field REENTRANTS_COUNTER = field("org.glassfish.grizzly.Writer$Reentrant", "REENTRANTS_COUNTER");
    static final Field THREAD_CACHE = field("org.glassfish.grizzly.ThreadCache", "genericCacheAttr");

    /**
     * Words of Tyrus's that wsproxy reads, as the messages they are found in say them: the
     * exception of a handshake whose response did not come in time (BackendFailure), and the reason
     * of the 1002 its close frame parser reports for a code it does not know (TyrusCloses).
     */
    static final String HANDSHAKE_TIMEOUT_MESSAGE = "Handshake response not received";
    static final String ILLEGAL_STATUS_MESSAGE = "Illegal status code: ";

    /** The class of the filter matched by {@link #CLIENT_FILTER} on a connection's filter chain. */
    static final Class<?> CLIENT_FILTER_CLASS = type(CLIENT_FILTER);

    /**
     * True for a thread of the Tyrus client's transport: Tyrus names its threads "tyrus-...", and
     * Grizzly's selector and worker threads are of its own thread class. Stopping the application
     * waits for them, as a container checks for leftover threads right after.
     */
    static boolean isTransportThread(Thread thread) {
        return thread.getName().startsWith("tyrus-") || thread.getClass().getName().startsWith("org.glassfish.grizzly.");
    }

    private TyrusInternals() {
    }

    /** Every handle, for the test that checks they resolve; null entries are handles that did not. */
    static List<Object> all() {
        return java.util.Arrays.asList(SHARED_TRANSPORT, CREATE_SHARED_TRANSPORT, CLOSE_SHARED_TRANSPORT, FILTER_REQUEST,
                FILTER_ENGINE, TIMEOUT_EXECUTOR, REMOTE_SOCKET, SOCKET_HANDLER, HANDLER_WRITER, WRITER_CONNECTION,
                IDLE_TIMEOUT_COMMAND, REENTRANTS_COUNTER, THREAD_CACHE, CLIENT_FILTER_CLASS);
    }

    /** The names of {@link #all()}, in the same order, for the test's messages. */
    static List<String> names() {
        return List.of("GrizzlyClientSocket.transport", "GrizzlyClientSocket.getOrCreateSharedTransport",
                "GrizzlyClientSocket.closeSharedTransport", "GrizzlyClientFilter.upgradeRequest", "GrizzlyClientFilter.engine",
                "GrizzlyTransportTimeoutFilter.executorService", "TyrusRemoteEndpoint.webSocket", "TyrusWebSocket.protocolHandler",
                "ProtocolHandler.writer", "GrizzlyWriter.connection", "TyrusSession$IdleTimeoutCommand",
                "Writer$Reentrant.REENTRANTS_COUNTER", "ThreadCache.genericCacheAttr", "GrizzlyClientFilter");
    }

    private static Class<?> type(String name) {
        try {
            return Class.forName(name, false, TYRUS);
        } catch (ClassNotFoundException | LinkageError e) {
            missing(name, e);
            return null;
        }
    }

    private static Field field(String owner, String name) {
        try {
            Field field = Class.forName(owner, false, TYRUS).getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            missing(owner + "." + name, e);
            return null;
        }
    }

    private static Method method(String owner, String name, Class<?>... parameters) {
        try {
            Method method = Class.forName(owner, false, TYRUS).getDeclaredMethod(name, parameters);
            method.setAccessible(true);
            return method;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            missing(owner + "." + name, e);
            return null;
        }
    }

    private static void missing(String name, Throwable e) {
        LOG.log(Level.WARNING, "Tyrus internal [" + name + "] not found (wsproxy was checked against " + CHECKED_AGAINST
                + "); the workaround that needs it is off", e);
    }
}
