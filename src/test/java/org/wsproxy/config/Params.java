package org.wsproxy.config;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test fixture: a parameter map from alternating names and values. */
final class Params {

    private Params() {
    }

    static Map<String, String> of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must pair up");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            params.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return params;
    }

    /** A minimal Form A route [chat] on /chat/* plus the given extra parameters. */
    static Map<String, String> chat(String... more) {
        Map<String, String> params = of("wsproxy.route.chat.path", "/chat/*",
                "wsproxy.route.chat.backend", "ws://backend.example:8080/chat");
        params.putAll(of(more));
        return params;
    }

    /** Writes an empty key store of {@code type} with {@code password} (null for none), as a trust store file. */
    static Path trustStore(Path file, String type, String password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        store.load(null, null);
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password == null ? new char[0] : password.toCharArray());
        }
        return file;
    }
}
