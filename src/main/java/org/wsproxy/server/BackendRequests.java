package org.wsproxy.server;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.wsproxy.config.Route;
import org.wsproxy.config.Sticky;
import org.wsproxy.upstream.BackendHandshake;

/**
 * Turns a client's handshake request into the backend's: the URL, the end-to-end headers and the
 * X-Forwarded ones, the offered subprotocols.
 *
 * <p>X-Forwarded-For always gets the TCP peer appended. X-Forwarded-Proto, -Host and -Port
 * describe the connection the client opened: wsproxy's own, except those a trusted proxy in
 * front (see {@link ClientAddress}) sent, since that proxy is the one the client connected to.
 */
final class BackendRequests {

    /** Hop-by-hop headers (RFC 9110 section 7.6.1): they describe the client's connection, not the request. */
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te",
            "trailer", "trailers", "transfer-encoding", "upgrade");

    /**
     * Headers of the client's own handshake, which the backend handshake makes anew (the key,
     * version and extensions belong to each leg; subprotocols are offered separately), plus the
     * Host, which is the backend's unless preserveHost is set, and X-Forwarded-User, which only
     * wsproxy may set, from the container's authenticated user.
     */
    private static final Set<String> NOT_FORWARDED = Set.of(
            "sec-websocket-key", "sec-websocket-accept", "sec-websocket-version", "sec-websocket-extensions",
            "sec-websocket-protocol", "host", "content-length", "x-forwarded-user");

    /** The X-Forwarded headers that wsproxy writes itself when xForwarded is on. */
    private static final Set<String> X_FORWARDED = Set.of(
            "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port");

    private BackendRequests() {
    }

    /** @param backend one of the route's backends */
    static BackendHandshake build(Route route, URI backend, HttpServletRequest request, ClientAddress client)
            throws BadHandshake {
        BackendHandshake handshake = new BackendHandshake(uri(route, backend, request), headers(route, request, client),
                subprotocols(request));
        int fields = handshake.headerFields(route.backendCompression());
        if (fields > BackendHandshake.MAX_HEADER_FIELDS) {
            // RFC 6585 section 5: the client can send fewer headers; refused before any backend connection.
            throw new BadHandshake(431, "too many request headers: the backend request would have " + fields
                    + " header fields, and at most " + BackendHandshake.MAX_HEADER_FIELDS + " can be sent");
        }
        return handshake;
    }

    static URI uri(Route route, URI base, HttpServletRequest request) throws BadHandshake {
        String path = base.getRawPath() == null || base.getRawPath().isEmpty() ? "/" : base.getRawPath();
        if (route.prefix() && route.forwardPath()) {
            String below = request.getPathInfo();
            if (below != null && !below.isEmpty()) {
                path = (path.endsWith("/") ? path.substring(0, path.length() - 1) : path) + encodePath(below);
            }
        }
        String query = base.getRawQuery();
        String clientQuery = route.forwardQuery() ? request.getQueryString() : null;
        if (clientQuery != null && !clientQuery.isEmpty()) {
            checkQuery(clientQuery);
            query = query == null || query.isEmpty() ? clientQuery : query + "&" + clientQuery;
        }
        try {
            return URI.create(base.getScheme() + "://" + base.getRawAuthority() + path + (query == null ? "" : "?" + query));
        } catch (IllegalArgumentException e) {
            throw new BadHandshake(400, "request path or query cannot be forwarded: " + e.getMessage());
        }
    }

    /**
     * Encodes the (decoded) path below the route's prefix for the backend URL. Dot segments, empty
     * segments and backslashes are refused: after the container's own normalization they can only
     * come from encoded tricks ({@code %2e%2e}, {@code %2f}, {@code %5c}) aimed at leaving the route's
     * base path on the backend.
     */
    private static String encodePath(String decoded) throws BadHandshake {
        StringBuilder out = new StringBuilder(decoded.length() + 16);
        String[] segments = decoded.split("/", -1);
        for (int i = 1; i < segments.length; i++) {
            String segment = segments[i];
            boolean lastAndEmpty = i == segments.length - 1 && segment.isEmpty();
            if (!lastAndEmpty && (segment.isEmpty() || segment.equals(".") || segment.equals(".."))) {
                throw new BadHandshake(400, "request path has an empty or dot segment");
            }
            out.append('/');
            for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xff;
                if (c == '\\' || c < 0x20 || c == 0x7f) {
                    throw new BadHandshake(400, "request path has a backslash or control character");
                }
                if (isPathChar(c)) {
                    out.append((char) c);
                } else {
                    out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
                }
            }
        }
        return out.toString();
    }

    /** RFC 3986 pchar without '%' (it is always re-encoded): unreserved, sub-delims, ':' and '@'. */
    private static boolean isPathChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,;=:@".indexOf(c) >= 0;
    }

    private static void checkQuery(String query) throws BadHandshake {
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '#') {
                throw new BadHandshake(400, "query string has a character that cannot be forwarded");
            }
        }
    }

    static Map<String, List<String>> headers(Route route, HttpServletRequest request, ClientAddress client) {
        Set<String> connectionTokens = new HashSet<>();
        for (String value : Collections.list(request.getHeaders("Connection"))) {
            for (String token : value.split(",")) {
                connectionTokens.add(token.trim().toLowerCase(Locale.ROOT));
            }
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(lower) || NOT_FORWARDED.contains(lower) || connectionTokens.contains(lower)
                    || route.dropHeaders().contains(lower) || (route.xForwarded() && X_FORWARDED.contains(lower))) {
                continue;
            }
            List<String> values = Collections.list(request.getHeaders(name));
            if (lower.equals("cookie")) {
                // Tyrus joins the values of one header with ", ", which is wrong for cookies.
                String joined = String.join("; ", values);
                if (route.sticky() == Sticky.COOKIE) {
                    joined = StickyCookies.strip(joined, route.stickyCookie());
                }
                if (joined != null) {
                    out.put(name, List.of(joined));
                }
                continue;
            }
            out.put(name, values);
        }
        // The container authenticated the user (a security-constraint); a client-sent X-Forwarded-User
        // was dropped above, so this one can be believed by the backend.
        if (route.forwardUser() && request.getRemoteUser() != null) {
            out.put("X-Forwarded-User", List.of(request.getRemoteUser()));
        }
        if (route.preserveHost() && request.getHeader("Host") != null) {
            out.put("Host", List.of(request.getHeader("Host")));
        }
        if (route.xForwarded()) {
            List<String> chain = new ArrayList<>(Collections.list(request.getHeaders("X-Forwarded-For")));
            chain.add(request.getRemoteAddr());
            out.put("X-Forwarded-For", List.of(String.join(", ", chain)));
            // A trusted peer opened the connection these three describe; its own values stand.
            boolean believed = client.peerTrusted();
            List<String> proto = believed ? Collections.list(request.getHeaders("X-Forwarded-Proto")) : List.of();
            List<String> host = believed ? Collections.list(request.getHeaders("X-Forwarded-Host")) : List.of();
            List<String> port = believed ? Collections.list(request.getHeaders("X-Forwarded-Port")) : List.of();
            out.put("X-Forwarded-Proto", proto.isEmpty() ? List.of(request.isSecure() ? "https" : "http") : proto);
            if (!host.isEmpty()) {
                out.put("X-Forwarded-Host", host);
            } else if (request.getHeader("Host") != null) {
                out.put("X-Forwarded-Host", List.of(request.getHeader("Host")));
            }
            if (!port.isEmpty()) {
                out.put("X-Forwarded-Port", port);
            } else if (proto.isEmpty()) {
                // Beside a trusted peer's -Proto, the port wsproxy was reached on would describe a
                // connection nobody opened (https on wsproxy's http port); no port is better.
                out.put("X-Forwarded-Port", List.of(Integer.toString(request.getLocalPort())));
            }
        }
        return out;
    }

    static List<String> subprotocols(HttpServletRequest request) {
        List<String> offered = new ArrayList<>();
        for (String value : Collections.list(request.getHeaders("Sec-WebSocket-Protocol"))) {
            for (String token : value.split(",")) {
                String trimmed = token.trim();
                if (!trimmed.isEmpty()) {
                    offered.add(trimmed);
                }
            }
        }
        return offered;
    }
}
