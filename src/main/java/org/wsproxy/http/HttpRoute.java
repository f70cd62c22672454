package org.wsproxy.http;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.wsproxy.io.IoLoops;
import org.wsproxy.relay.RelayTimer;
import org.wsproxy.upstream.BackendFailure;
import org.wsproxy.upstream.BackendTls;
import org.wsproxy.upstream.Dialer;

/**
 * HTTP proxying for one route: what its exchanges share (the timeouts, the pooled connections, the
 * loops, the TLS settings), and where an exchange starts.
 */
public final class HttpRoute {

    /** Loads the route's TLS settings for https:// backends, once, when first needed. */
    @FunctionalInterface
    public interface TlsSettings {
        BackendTls get() throws BackendFailure;
    }

    final String name;
    final Duration connectTimeout;
    final Duration readTimeout;
    final long maxBodySize;
    final UpstreamPool pool;
    final IoLoops loops;
    final Dialer dialer;
    final TlsSettings tls;
    final RelayTimer timer;
    final Consumer<HttpResult> done;
    /** Request bodies are read with blocking reads on the container's pool: see {@link #readsBodiesBlocking}. */
    final boolean blockingBodyReads;

    /**
     * @param done              told of every request's end, for the access log and the metrics
     * @param blockingBodyReads {@link #readsBodiesBlocking} of the container
     */
    public HttpRoute(String name, Duration connectTimeout, Duration readTimeout, long maxBodySize, UpstreamPool pool,
                     IoLoops loops, Dialer dialer, TlsSettings tls, RelayTimer timer, Consumer<HttpResult> done,
                     boolean blockingBodyReads) {
        this.blockingBodyReads = blockingBodyReads;
        this.name = name;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.maxBodySize = maxBodySize;
        this.pool = pool;
        this.loops = loops;
        this.dialer = dialer;
        this.tls = tls;
        this.timer = timer;
        this.done = done;
    }

    /**
     * Whether request bodies are read with blocking reads on threads of the container's own pool
     * ({@link AsyncContext#start}), without a ReadListener, on the container of {@code serverInfo}
     * ({@code ServletContext.getServerInfo()}): on Open Liberty, whose non-blocking reads of a
     * request body lose one now and then (a POST's ReadListener was never called, with or without
     * isReady() asked before its first callback: about one POST in ten thousand under load, twice a
     * Socket.IO session in CI). A held read holds a pool thread only while a body is coming.
     */
    public static boolean readsBodiesBlocking(String serverInfo) {
        return serverInfo != null && serverInfo.toLowerCase(Locale.ROOT).startsWith("ibm websphere liberty/");
    }

    /**
     * Relays {@code request} to the first of {@code targets} that takes it. Returns once the
     * request is under way (the container thread is free; the rest happens on the loops and in the
     * container's non-blocking callbacks) or answered.
     *
     * @param targets    in the order to try; not empty
     * @param clientBase the URL the client used up to the route's prefix, for Location rewriting
     * @param client     the client's address, for the access log
     */
    public void relay(HttpServletRequest request, HttpServletResponse response, List<Target> targets, String clientBase,
                      String client) {
        AsyncContext async = request.startAsync(request, response);
        // wsproxy times the backend itself (readTimeout); a container timeout would cut long polls.
        async.setTimeout(0);
        new Exchange(this, async, request, response, targets, clientBase, client).start();
    }

    /**
     * An asynchronous dispatch Exchange asked for to cut a started response short: throwing from
     * the dispatch makes the container close the connection, so that the client sees the response
     * end early rather than a complete one (no last chunk, or short of its Content-Length).
     *
     * @return true when the request was such a dispatch (the caller throws)
     */
    public static String abortReason(HttpServletRequest request) {
        Object reason = request.getAttribute(Exchange.ABORT_ATTRIBUTE);
        return reason == null ? null : reason.toString();
    }
}
