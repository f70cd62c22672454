package org.wsproxy.http;

import java.net.URI;

/**
 * Rewrites a Location or Content-Location that names the backend's URL to the URL the client
 * used, as Apache httpd's ProxyPassReverse does: an absolute URL on the backend's origin under its
 * base path, or an absolute path under that base path. Anything else (another site, a path outside
 * the backend's base, a relative reference) is left as it is.
 */
public final class Locations {

    private Locations() {
    }

    /**
     * @param backendBase the backend's URL as the route names it, in its HTTP form (http://h:p/base)
     * @param clientBase  the URL the client used up to the route's prefix (https://proxy/ctx/chat),
     *                    without a trailing slash
     */
    public static String rewrite(String location, URI backendBase, String clientBase) {
        String basePath = backendBase.getRawPath() == null || backendBase.getRawPath().isEmpty() ? "/" : backendBase.getRawPath();
        String base = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
        String below = null;
        if (location.startsWith("/") && !location.startsWith("//")) {
            below = under(location, base);
        } else {
            for (String origin : origins(backendBase)) {
                if (location.regionMatches(true, 0, origin, 0, origin.length())) {
                    String rest = location.substring(origin.length());
                    if (rest.isEmpty() || rest.startsWith("/") || rest.startsWith("?")) {
                        below = under(rest.isEmpty() ? "/" : rest, base);
                    }
                    break;
                }
            }
        }
        if (below == null) {
            return location;
        }
        return clientBase + below;
    }

    /** The part of {@code path} below {@code base} (starting with '/', '?' or empty), or null if it is not under it. */
    private static String under(String path, String base) {
        if (base.isEmpty()) {
            return path;
        }
        if (!path.startsWith(base)) {
            return null;
        }
        String rest = path.substring(base.length());
        return rest.isEmpty() || rest.startsWith("/") || rest.startsWith("?") ? rest : null;
    }

    /** The backend's origin as a Location may spell it: with its port, and without it where it is the default. */
    private static String[] origins(URI backend) {
        String scheme = backend.getScheme();
        String host = backend.getRawAuthority();
        int port = backend.getPort();
        String bare = backend.getHost();
        boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
        if (defaultPort) {
            return new String[] {scheme + "://" + bare + (port == -1 ? "" : ":" + port), scheme + "://" + bare};
        }
        return new String[] {scheme + "://" + host};
    }
}
