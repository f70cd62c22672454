package org.wsproxy.server;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.wsproxy.config.Route;
import org.wsproxy.http.BackendRequest;
import org.wsproxy.http.HttpResult;
import org.wsproxy.http.HttpRoute;
import org.wsproxy.http.Target;
import org.wsproxy.http.UpstreamPool;
import org.wsproxy.pool.Backend;
import org.wsproxy.pool.BackendPool;
import org.wsproxy.relay.AccessLog;
import org.wsproxy.upstream.BackendTls;

/**
 * The requests of a route with {@code http=proxy} that are not WebSocket handshakes: checked here
 * (one body length, maxBodySize), given the handshake's header rules and the sticky cookie's
 * choice of backend, then relayed by {@link HttpRoute}.
 */
final class HttpForwarding {

    private final Route route;
    private final BackendPool pool;
    private final StickyCookies sticky;
    private final ProxyRuntime runtime;
    private final HttpRoute http;
    private final UpstreamPool upstreams = new UpstreamPool();
    /** The route's TLS settings for https:// backends, once loaded; a race loads them twice, harmlessly. */
    private volatile BackendTls tls;

    HttpForwarding(BackendPool pool, StickyCookies sticky, ProxyRuntime runtime) {
        this.route = pool.route();
        this.pool = pool;
        this.sticky = sticky;
        this.runtime = runtime;
        this.http = new HttpRoute(route.name(), route.connectTimeout(), route.readTimeout(), route.maxBodySize(), upstreams,
                runtime.loops(), runtime.dialer(), this::tls, runtime.timer(), this::done, runtime.blockingBodyReads());
    }

    private BackendTls tls() throws org.wsproxy.upstream.BackendFailure {
        BackendTls loaded = tls;
        if (loaded == null) {
            loaded = BackendTls.of(route);
            tls = loaded;
        }
        return loaded;
    }

    /** The application stops: the idle backend connections are closed. */
    void close() {
        upstreams.close();
    }

    UpstreamPool upstreams() {
        return upstreams;
    }

    void handle(HttpServletRequest request, HttpServletResponse response, ClientAddress client) throws IOException {
        boolean chunked = request.getHeader("Transfer-Encoding") != null;
        long length = request.getContentLengthLong();
        if (chunked && request.getHeader("Content-Length") != null) {
            // RFC 9112 section 6.3: a request with both is a smuggling attempt or broken; never forwarded.
            refuse(response, 400, "request has both Content-Length and Transfer-Encoding");
            return;
        }
        if (route.maxBodySize() > 0 && length > route.maxBodySize()) {
            refuse(response, 413, "request body larger than maxBodySize (" + route.maxBodySize() + " bytes)");
            return;
        }
        long bodyLength = chunked ? BackendRequest.CHUNKED : length >= 0 ? length : BackendRequest.NO_BODY;
        List<Backend> candidates = pool.candidates(client.address());
        if (candidates.isEmpty()) {
            response.setHeader("Retry-After", Integer.toString(RouteHandler.RETRY_AFTER_SECONDS));
            refuse(response, 503, "no backend is available; retry later");
            return;
        }
        Backend pinned = sticky.pinned(request);
        candidates = sticky.order(candidates, pinned);
        Map<String, List<String>> headers = BackendRequests.headers(route, request, client);
        // wsproxy reads the body itself: the container answers a client's 100-continue as it does.
        headers.keySet().removeIf(name -> name.equalsIgnoreCase("Expect"));
        List<Target> targets = new ArrayList<>(candidates.size());
        try {
            for (Backend backend : candidates) {
                URI uri = httpForm(BackendRequests.uri(route, backend.uri(), request));
                targets.add(new Target(backend, new BackendRequest(request.getMethod(), uri, headers, bodyLength),
                        httpForm(backend.uri()), sticky.setCookie(request, backend, pinned)));
            }
        } catch (BadHandshake e) {
            refuse(response, e.status(), e.getMessage());
            return;
        }
        http.relay(request, response, targets, clientBase(route, request), client.address());
    }

    /**
     * The URL the client used up to the route's prefix (http://host/ctx/chat), what a Location
     * naming the backend's base URL is rewritten to.
     */
    static String clientBase(Route route, HttpServletRequest request) {
        String prefix = route.path().endsWith("/*") ? route.path().substring(0, route.path().length() - 2) : route.path();
        String host = request.getHeader("Host") != null ? request.getHeader("Host") : request.getServerName();
        return request.getScheme() + "://" + host + request.getContextPath() + prefix;
    }

    /** The backend URL as HTTP: ws:// as http://, wss:// as https://. */
    static URI httpForm(URI ws) {
        String scheme = "wss".equals(ws.getScheme()) ? "https" : "http";
        return URI.create(scheme + ws.toString().substring(ws.getScheme().length()));
    }

    private void done(HttpResult result) {
        AccessLog.request(result.started(), result.route(), result.client(),
                result.backend() == null ? null : result.backend().uri().toString(), result.duration().toMillis(),
                result.method(), result.path(), result.status(), result.inBytes(), result.outBytes(), result.complete());
        runtime.observers().httpRequest(route, result.backend(), result.status());
    }

    private static void refuse(HttpServletResponse response, int status, String why) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().println(why);
    }
}
