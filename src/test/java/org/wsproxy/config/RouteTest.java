package org.wsproxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteTest {

    @TempDir
    Path dir;

    private static Route chat(String... more) throws ConfigException {
        return RouteConfig.fromContextParams(Params.chat(more)).get(0);
    }

    @Test
    void toStringShowsOnlyOptionsThatDifferFromTheirDefaults() throws ConfigException {
        Route r = chat("wsproxy.route.chat.idleTimeout", " 5m ", "wsproxy.route.chat.forwardPath", "true",
                "wsproxy.route.chat.connectTimeout", "10000", "wsproxy.route.chat.dropHeaders", "Cookie");
        assertEquals("Route[name=chat, path=/chat/*, backend=ws://backend.example:8080/chat, dropHeaders=Cookie, "
                + "idleTimeout=5m]", r.toString());
    }

    @Test
    void thePasswordIsNeverShown() throws Exception {
        String password = "pa55-w0rd-that-must-not-leak";
        Path store = Params.trustStore(dir.resolve("trust.p12"), java.security.KeyStore.getDefaultType(), password);
        Route own = chat("wsproxy.route.chat.trustStore", store.toString(),
                "wsproxy.route.chat.trustStorePassword", password);
        Route byDefault = RouteConfig.fromContextParams(Params.chat(
                "wsproxy.trustStore", store.toString(), "wsproxy.trustStorePassword", password)).get(0);
        for (Route r : List.of(own, byDefault)) {
            assertFalse(r.toString().contains(password), r.toString());
            assertTrue(r.toString().contains("trustStorePassword=******"), r.toString());
            assertTrue(r.toString().contains("trustStore=" + store), r.toString());
            assertEquals(password, r.trustStorePassword().orElseThrow());
        }
    }

    @Test
    void thePasswordIsTakenAsWritten() throws Exception {
        Path store = Params.trustStore(dir.resolve("trust.p12"), java.security.KeyStore.getDefaultType(), " spaced ");
        Route r = chat("wsproxy.route.chat.trustStore", store.toString(),
                "wsproxy.route.chat.trustStorePassword", " spaced ");
        assertEquals(" spaced ", r.trustStorePassword().orElseThrow());
    }

    @Test
    void anyOriginByDefault() throws ConfigException {
        Route r = chat();
        assertTrue(r.originAllowed("null"));
        assertTrue(r.originAllowed("https://evil.example"));
    }

    @Test
    void originsCompareCaseInsensitivelyAndIgnoreSpacesAndDefaultPorts() throws ConfigException {
        Route r = chat("wsproxy.route.chat.allowedOrigins", "  HTTPS://App.Example:443 ,http://localhost:8080 ");
        assertTrue(r.originAllowed("https://app.example"));
        assertTrue(r.originAllowed(" https://APP.example "));
        assertTrue(r.originAllowed("http://localhost:8080"));
        assertFalse(r.originAllowed("http://localhost"));
        assertFalse(r.originAllowed("http://app.example"));
        assertFalse(r.originAllowed("null"));
        assertFalse(r.originAllowed(""));
        assertTrue(r.toString().contains("allowedOrigins=HTTPS://App.Example:443 ,http://localhost:8080"),
                r.toString());
    }

    @Test
    void anExplicitStarIsTheDefaultAndNotShown() throws ConfigException {
        assertEquals(chat().toString(), chat("wsproxy.route.chat.allowedOrigins", " * ").toString());
    }

    @Test
    void theBackendKeepsItsPathAndQueryAndGetsAnExplicitPort() throws ConfigException {
        Route r = chat("wsproxy.route.chat.backend", "WSS://[::1]/a%20b?x=1&y=%2F");
        assertEquals("wss://[::1]:443/a%20b?x=1&y=%2F", r.backends().get(0).toString());
        assertEquals(443, r.backends().get(0).getPort());
        assertEquals("ws://b.example:80", chat("wsproxy.route.chat.backend", "ws://b.example").backends().get(0).toString());
    }
}
