package org.wsproxy.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

import org.wsproxy.config.Route;
import org.wsproxy.config.Sticky;
import org.wsproxy.pool.Backend;
import org.wsproxy.pool.BackendPool;

/**
 * The sticky cookie of a route with {@code sticky=cookie}: it names the backend a client was sent
 * to, and the client's later requests and handshakes go there while it is in rotation (HAProxy's
 * {@code cookie SRV insert indirect}). The value is a digest of the route's name and the backend's
 * URL: it does not show the backend's address, and it is the same after a restart and on every
 * wsproxy instance with the same routes, so that a client keeps its backend behind a load balancer
 * spreading clients over several instances.
 * <p>
 * Immutable; thread-safe.
 */
final class StickyCookies {

    private final Route route;
    /** Cookie value to backend; null when the route is not sticky. */
    private final Map<String, Backend> byValue = new HashMap<>();
    private final Map<Backend, String> values = new HashMap<>();

    StickyCookies(BackendPool pool) {
        this.route = pool.route();
        for (Backend backend : pool.backends()) {
            String value = value(route.name(), backend.uri().toString());
            byValue.put(value, backend);
            values.put(backend, value);
        }
    }

    boolean on() {
        return route.sticky() == Sticky.COOKIE;
    }

    /** 16 characters of a SHA-256 digest, URL-safe Base64: unguessable enough, short enough for a cookie. */
    static String value(String routeName, String backendUrl) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((routeName + "\n" + backendUrl).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The backend the request's sticky cookie names, null when it has none that names one of the route's. */
    Backend pinned(HttpServletRequest request) {
        if (!on()) {
            return null;
        }
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (cookie.getName().equals(route.stickyCookie())) {
                Backend backend = byValue.get(cookie.getValue());
                if (backend != null) {
                    return backend;
                }
            }
        }
        return null;
    }

    /** The candidates with the pinned backend first when it is among them (in rotation). */
    List<Backend> order(List<Backend> candidates, Backend pinned) {
        if (pinned == null || !candidates.contains(pinned) || candidates.get(0) == pinned) {
            return candidates;
        }
        List<Backend> order = new ArrayList<>(candidates.size());
        order.add(pinned);
        for (Backend backend : candidates) {
            if (backend != pinned) {
                order.add(backend);
            }
        }
        return order;
    }

    /**
     * The Set-Cookie that pins the client to {@code backend}; null when the route is not sticky or
     * the request's cookie names that backend already.
     */
    String setCookie(HttpServletRequest request, Backend backend, Backend pinned) {
        if (!on() || backend == pinned) {
            return null;
        }
        String prefix = route.path().endsWith("/*") ? route.path().substring(0, route.path().length() - 2) : route.path();
        String path = request.getContextPath() + prefix;
        return route.stickyCookie() + "=" + values.get(backend) + "; Path=" + (path.isEmpty() ? "/" : path)
                + "; HttpOnly; SameSite=Lax" + (request.isSecure() ? "; Secure" : "");
    }

    /** A Cookie header's value without the sticky cookie (the backend is not told which one it is); null when nothing is left. */
    static String strip(String header, String name) {
        StringBuilder kept = new StringBuilder(header.length());
        for (String pair : header.split(";")) {
            String trimmed = pair.trim();
            int equals = trimmed.indexOf('=');
            String pairName = equals < 0 ? trimmed : trimmed.substring(0, equals).trim();
            if (trimmed.isEmpty() || pairName.equals(name)) {
                continue;
            }
            kept.append(kept.length() == 0 ? "" : "; ").append(trimmed);
        }
        return kept.length() == 0 ? null : kept.toString();
    }
}
