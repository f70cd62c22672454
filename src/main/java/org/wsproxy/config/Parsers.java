package org.wsproxy.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The parsers behind {@link Option}: each turns one parameter value into its typed form or throws
 * an {@link IllegalArgumentException} whose message starts with "expected" and says what is
 * allowed. The caller adds the route, the parameter and the value, so the messages here do not.
 */
final class Parsers {

    static final String BACKENDS_EXPECTED = "expected one or more ws:// or wss:// URLs, comma-separated,"
            + " such as ws://10.0.0.5:8080/chat, ws://10.0.0.6:8080/chat";
    static final String BACKEND_EXPECTED = "expected a ws:// or wss:// URL such as ws://backend.example:8080/chat";

    /** RFC 9110 token characters, the only ones a header name may contain. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private static final Pattern DIGITS = Pattern.compile("\\d+");


    private Parsers() {
    }

    static boolean bool(String text) {
        String s = text.strip();
        if (s.equalsIgnoreCase("true")) {
            return true;
        }
        if (s.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("expected true or false");
    }

    static Function<String, Integer> intAtLeast(int min) {
        return text -> {
            String s = text.strip();
            String expected = "expected a whole number from " + min + " to " + Integer.MAX_VALUE;
            if (!DIGITS.matcher(s).matches()) {
                throw new IllegalArgumentException(expected);
            }
            try {
                int n = Integer.parseInt(s);
                if (n >= min) {
                    return n;
                }
            } catch (NumberFormatException tooLarge) {
                // reported below, with the range
            }
            throw new IllegalArgumentException(expected);
        };
    }

    /** A message size: a WebSocket container buffers messages in an int-sized array, hence the cap. */
    static long messageSize(String text) {
        long size = Sizes.parse(text);
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("expected a size of at most " + Integer.MAX_VALUE
                    + " bytes, the largest message a WebSocket container can buffer");
        }
        return size;
    }

    /**
     * The backend URL, with the default port of its scheme made explicit so that
     * {@code getPort()} is never -1, and the scheme lower-case.
     */
    static URI backend(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(BACKEND_EXPECTED);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss") || uri.getHost() == null) {
            throw new IllegalArgumentException(BACKEND_EXPECTED);
        }
        if (uri.getRawUserInfo() != null) {
            // Credentials in a URL end up in logs and, over ws://, on the wire in clear.
            throw new IllegalArgumentException(BACKEND_EXPECTED + ", without user-info (user@)");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException(BACKEND_EXPECTED + ", without a #fragment");
        }
        int port = uri.getPort();
        if (port == -1) {
            port = scheme.equals("wss") ? 443 : 80;
        } else if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(BACKEND_EXPECTED + ", with a port from 1 to 65535");
        }
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return URI.create(scheme + "://" + uri.getHost() + ":" + port + uri.getRawPath() + query);
    }

    /**
     * One or more backend URLs, comma-separated, each as {@link #backend(String)} makes it. The same
     * backend twice would get twice the share of connections without saying so, and is refused.
     */
    static List<URI> backends(String text) {
        List<String> entries;
        try {
            entries = list(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(BACKENDS_EXPECTED + ", without empty entries");
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(BACKENDS_EXPECTED);
        }
        List<URI> backends = new ArrayList<>();
        for (String entry : entries) {
            URI uri;
            try {
                uri = backend(entry);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(entries.size() == 1 ? e.getMessage()
                        : "[" + entry + "] is not a backend: " + e.getMessage());
            }
            if (backends.contains(uri)) {
                throw new IllegalArgumentException("[" + entry + "] is listed twice; each backend once");
            }
            backends.add(uri);
        }
        return List.copyOf(backends);
    }

    /** Lower-case header names; an empty value is the empty set. */
    static Set<String> headerNames(String text) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : list(text)) {
            if (!TOKEN.matcher(name).matches()) {
                throw new IllegalArgumentException("expected a comma-separated list of header names "
                        + "such as Cookie, X-Debug; [" + name + "] is not a header name");
            }
            names.add(name.toLowerCase(Locale.ROOT));
        }
        return Collections.unmodifiableSet(names);
    }

    /**
     * The trust store file, checked now so that a wrong path fails deployment rather than the
     * first TLS handshake. Stored absolute, so the file checked is the file later opened.
     */
    static Path trustStore(String text) {
        String expected = "expected the path of a readable trust store file";
        if (text.isBlank()) {
            throw new IllegalArgumentException(expected);
        }
        Path path;
        try {
            path = Path.of(text.strip()).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(expected);
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(expected + "; [" + path + "] is not a file");
        }
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException(expected + "; [" + path + "] cannot be read");
        }
        return path;
    }

    /** Taken as written: a password may begin or end with a space. */
    static String password(String text) {
        return text;
    }

    static String keyStoreType(String text) {
        String type = text.strip();
        try {
            KeyStore.getInstance(type);
            return type;
        } catch (KeyStoreException | IllegalArgumentException e) {
            throw new IllegalArgumentException("expected a KeyStore type this JVM supports, such as PKCS12 or JKS");
        }
    }

    /** Splits a comma-separated value; blank means an empty list, but an empty entry is a mistake. */
    static List<String> list(String text) {
        if (text.isBlank()) {
            return List.of();
        }
        List<String> entries = new ArrayList<>();
        for (String entry : text.split(",", -1)) {
            String e = entry.strip();
            if (e.isEmpty()) {
                throw new IllegalArgumentException("expected a comma-separated list without empty entries");
            }
            entries.add(e);
        }
        return entries;
    }

    /**
     * The constant whose {@code toString()} (the option's spelling) is {@code text}, ignoring case
     * and surrounding white space.
     */
    static <E extends Enum<E>> E oneOf(String text, E[] constants) {
        String wanted = text.strip().toLowerCase(Locale.ROOT);
        for (E constant : constants) {
            if (constant.toString().equals(wanted)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("expected one of "
                + Arrays.stream(constants).map(Object::toString).collect(Collectors.joining(", ")));
    }

    /**
     * A cookie name (RFC 6265 section 4.1.1: an HTTP token), so that the Set-Cookie wsproxy sends
     * is one every browser keeps.
     */
    static String cookieName(String text) {
        String name = text.strip();
        if (!TOKEN.matcher(name).matches()) {
            throw new IllegalArgumentException("expected a cookie name: letters, digits and !#$%&'*+-.^_`|~");
        }
        return name;
    }
}
