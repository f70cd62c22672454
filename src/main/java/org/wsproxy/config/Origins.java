package org.wsproxy.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code allowedOrigins} option: any origin, or a fixed set of {@code scheme://host[:port]}.
 *
 * <p>Entries are stored lower-case and without a port that is the default for their scheme,
 * because that is how a browser writes its {@code Origin} header; "https://a.example:443" in the
 * configuration must still match the "https://a.example" a browser sends.
 */
final class Origins {

    static final String EXPECTED = "expected * or a comma-separated list of origins such as "
            + "https://app.example, http://localhost:8080 (scheme://host[:port], without a path)";

    static final Origins ANY = new Origins(Set.of());

    /** Normalised origins; empty means any origin is allowed (a parsed list is never empty). */
    private final Set<String> allowed;

    private Origins(Set<String> allowed) {
        this.allowed = allowed;
    }

    static Origins parse(String text) {
        String list = text.strip();
        if (list.equals("*")) {
            return ANY;
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException(EXPECTED + "; the list is empty");
        }
        Set<String> origins = new LinkedHashSet<>();
        for (String entry : list.split(",", -1)) {
            String origin = entry.strip();
            if (origin.equals("*")) {
                throw new IllegalArgumentException(EXPECTED + "; * must be the only entry");
            }
            origins.add(normalise(origin));
        }
        return new Origins(Collections.unmodifiableSet(origins));
    }

    boolean allows(String origin) {
        return allowed.isEmpty() || allowed.contains(origin.strip().toLowerCase(Locale.ROOT));
    }

    private static String normalise(String origin) {
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            throw notAnOrigin(origin);
        }
        if (uri.getScheme() == null || uri.getHost() == null || uri.getRawUserInfo() != null
                || !uri.getRawPath().isEmpty() || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw notAnOrigin(origin);
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || port == defaultPort(scheme);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    private static int defaultPort(String scheme) {
        return switch (scheme) {
            case "http", "ws" -> 80;
            case "https", "wss" -> 443;
            default -> -1;
        };
    }

    private static IllegalArgumentException notAnOrigin(String entry) {
        return new IllegalArgumentException(EXPECTED + "; entry [" + entry + "] is not an origin");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Origins && ((Origins) o).allowed.equals(allowed);
    }

    @Override
    public int hashCode() {
        return allowed.hashCode();
    }

    @Override
    public String toString() {
        return allowed.isEmpty() ? "*" : String.join(", ", allowed);
    }
}
