package org.wsproxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Form A: routes declared with wsproxy.route.<name>.* context-params. */
class ContextParamRoutesTest {

    @TempDir
    Path dir;

    private static Route only(Map<String, String> params) throws ConfigException {
        List<Route> routes = RouteConfig.fromContextParams(params);
        assertEquals(1, routes.size(), routes::toString);
        return routes.get(0);
    }

    private static String failure(Map<String, String> params) {
        return assertThrows(ConfigException.class, () -> RouteConfig.fromContextParams(params)).getMessage();
    }

    @Test
    void everyOptionHasItsDocumentedDefault() throws ConfigException {
        Route r = only(Params.chat());
        assertEquals("chat", r.name());
        assertEquals("/chat/*", r.path());
        assertTrue(r.prefix());
        assertEquals(URI.create("ws://backend.example:8080/chat"), r.backends().get(0));
        assertTrue(r.forwardPath());
        assertTrue(r.forwardQuery());
        assertTrue(r.originAllowed("https://anything.example"));
        assertEquals(Set.of(), r.dropHeaders());
        assertTrue(r.xForwarded());
        assertFalse(r.preserveHost());
        assertEquals(Duration.ofSeconds(10), r.connectTimeout());
        assertEquals(Duration.ZERO, r.idleTimeout());
        assertEquals(Duration.ZERO, r.pingInterval());
        assertEquals(0, r.maxMessageSize());
        assertEquals(0, r.maxConnections());
        assertEquals(Duration.ZERO, r.drainTime());
        assertEquals(Optional.empty(), r.trustStore());
        assertEquals(Optional.empty(), r.trustStorePassword());
        assertEquals(KeyStore.getDefaultType(), r.trustStoreType());
        assertTrue(r.verifyHostname());
        assertTrue(r.trustedProxies().isEmpty());
        assertEquals("Route[name=chat, path=/chat/*, backend=ws://backend.example:8080/chat]", r.toString());
    }

    @Test
    void everyOptionIsParsed() throws Exception {
        Path store = Params.trustStore(dir.resolve("trust.jks"), "JKS", "s3cret");
        Route r = only(Params.chat(
                "wsproxy.route.chat.forwardPath", "FALSE",
                "wsproxy.route.chat.forwardQuery", " false ",
                "wsproxy.route.chat.allowedOrigins", "https://A.example, http://b.example:8080",
                "wsproxy.route.chat.dropHeaders", "Cookie, X-Debug",
                "wsproxy.route.chat.xForwarded", "false",
                "wsproxy.route.chat.preserveHost", "True",
                "wsproxy.route.chat.connectTimeout", "500ms",
                "wsproxy.route.chat.idleTimeout", "5m",
                "wsproxy.route.chat.pingInterval", "30s",
                "wsproxy.route.chat.maxMessageSize", "64KiB",
                "wsproxy.route.chat.maxConnections", " 2000 ",
                "wsproxy.route.chat.drainTime", "90s",
                "wsproxy.route.chat.trustStore", store.toString(),
                "wsproxy.route.chat.trustStorePassword", "s3cret",
                "wsproxy.route.chat.trustStoreType", "JKS",
                "wsproxy.route.chat.verifyHostname", "false"));
        assertFalse(r.forwardPath());
        assertFalse(r.forwardQuery());
        assertTrue(r.originAllowed("https://a.example"));
        assertTrue(r.originAllowed("HTTP://B.EXAMPLE:8080"));
        assertFalse(r.originAllowed("http://b.example"));
        assertFalse(r.originAllowed("https://c.example"));
        assertEquals(Set.of("cookie", "x-debug"), r.dropHeaders());
        assertFalse(r.xForwarded());
        assertTrue(r.preserveHost());
        assertEquals(Duration.ofMillis(500), r.connectTimeout());
        assertEquals(Duration.ofMinutes(5), r.idleTimeout());
        assertEquals(Duration.ofSeconds(30), r.pingInterval());
        assertEquals(65536, r.maxMessageSize());
        assertEquals(2000, r.maxConnections());
        assertEquals(Duration.ofSeconds(90), r.drainTime());
        assertEquals(Optional.of(store.toAbsolutePath()), r.trustStore());
        assertEquals(Optional.of("s3cret"), r.trustStorePassword());
        assertEquals("JKS", r.trustStoreType());
        assertFalse(r.verifyHostname());
    }

    @Test
    void defaultsApplyToEveryRouteAndTheRoutesOwnValueWins() throws ConfigException {
        Map<String, String> params = Params.chat(
                "wsproxy.route.news.path", "/news",
                "wsproxy.route.news.backend", "wss://news.example/feed",
                "wsproxy.idleTimeout", "1h",
                "wsproxy.route.news.idleTimeout", "2m");
        List<Route> routes = RouteConfig.fromContextParams(params);
        assertEquals(2, routes.size());
        Route chat = routes.get(0);
        Route news = routes.get(1);
        assertEquals("chat", chat.name());
        assertEquals(Duration.ofHours(1), chat.idleTimeout());
        assertEquals("news", news.name());
        assertEquals(Duration.ofMinutes(2), news.idleTimeout());
        assertFalse(news.prefix());
        assertEquals(URI.create("wss://news.example:443/feed"), news.backends().get(0));
    }

    @Test
    void otherContextParamsAreIgnored() throws ConfigException {
        Map<String, String> params = Params.chat("org.example.setting", "x", "wsproxyish", "y", "WSPROXY.foo", "z");
        assertEquals("chat", only(params).name());
        assertEquals(List.of(), RouteConfig.fromContextParams(Params.of("org.example.setting", "x")));
    }

    @Test
    void exactAndRootPrefixPathsAreAccepted() throws ConfigException {
        assertFalse(only(Params.chat("wsproxy.route.chat.path", "/chat")).prefix());
        Route root = only(Params.chat("wsproxy.route.chat.path", " /* "));
        assertTrue(root.prefix());
        assertEquals("/*", root.path());
    }

    /** Each row: option, a malformed value, and a fragment of what the message says is allowed. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "path               | chat            | expected a url-pattern",
        "path               | /               | use /* to proxy every path",
        "path               | *.ws            | expected a url-pattern",
        "path               | /chat/*/x       | * may only end a prefix",
        "path               | /chat*          | * may only end a prefix",
        "path               | /ch at          | white space",
        "backend            | http://b.example/ | expected a ws:// or wss:// URL",
        "backend            | backend.example | expected a ws:// or wss:// URL",
        "backend            | ws:///chat      | expected a ws:// or wss:// URL",
        "backend            | ws://u:p@b.example/ | without user-info",
        "backend            | ws://b.example/#x | without a #fragment",
        "backend            | ws://b.example:0/ | port from 1 to 65535",
        "backend            | ws://b.example:70000/ | port from 1 to 65535",
        "backend            | ws://b example/ | expected a ws:// or wss:// URL",
        "forwardPath        | yes             | expected true or false",
        "forwardQuery       | 1               | expected true or false",
        "xForwarded         | tru             | expected true or false",
        "preserveHost       | on              | expected true or false",
        "verifyHostname     | no              | expected true or false",
        "allowedOrigins     | ''              | the list is empty",
        "allowedOrigins     | '*, https://a.example' | * must be the only entry",
        "allowedOrigins     | https://a.example/ | entry [https://a.example/] is not an origin",
        "allowedOrigins     | a.example       | entry [a.example] is not an origin",
        "allowedOrigins     | 'https://a.example,,https://b.example' | entry [] is not an origin",
        "allowedOrigins     | https://u@a.example | is not an origin",
        "allowedOrigins     | https://a.example?x | is not an origin",
        "dropHeaders        | 'Cookie, X Debug' | [X Debug] is not a header name",
        "dropHeaders        | 'Cookie,,X-Debug' | without empty entries",
        "dropHeaders        | X-Debug:        | [X-Debug:] is not a header name",
        "connectTimeout     | 10 sec          | expected a duration such as 500ms, 10s, 5m, 1h",
        "connectTimeout     | 0               | expected a duration greater than 0",
        "idleTimeout        | -1              | expected a duration such as",
        "pingInterval       | 30S             | expected a duration such as",
        "maxMessageSize     | 64k             | expected a size such as 512B, 64KiB, 5MiB",
        "maxMessageSize     | 2GiB            | at most 2147483647 bytes",
        "maxMessageSize     | 99999999999999999999 | expected a size of at most",
        "maxConnections     | -1              | expected a whole number from 0 to 2147483647",
        "maxConnections     | 1e3             | expected a whole number from 0 to 2147483647",
        "maxConnections     | 3000000000      | expected a whole number from 0 to 2147483647",
        "drainTime          | 6m              | expected a duration from 0 to 5m, such as 500ms, 10s, 5m",
        "drainTime          | 300001          | expected a duration from 0 to 5m",
        "drainTime          | soon            | expected a duration such as 500ms, 10s, 5m, 1h",
        "trustStore         | /no/such/trust.p12 | is not a file",
        "trustStore         | ''              | expected the path of a readable trust store file",
        "trustStoreType     | NOPE            | expected a KeyStore type this JVM supports",
    })
    void aMalformedValueIsReportedWithRouteParameterValueAndWhatIsAllowed(String option, String value,
            String allowed) {
        String message = failure(Params.chat("wsproxy.route.chat." + option, value));
        assertTrue(message.startsWith("route [chat]: parameter [wsproxy.route.chat." + option + "] has value ["
                + value + "], expected "), message);
        assertTrue(message.contains(allowed), message);
    }

    @Test
    void theMessageOfTheIssueExample() {
        assertEquals("route [chat]: parameter [wsproxy.route.chat.connectTimeout] has value [10 sec], expected a "
                        + "duration such as 500ms, 10s, 5m, 1h (a bare number is milliseconds)",
                failure(Params.chat("wsproxy.route.chat.connectTimeout", "10 sec")));
    }

    @Test
    void aMalformedDefaultIsReportedWithTheRouteItWasAppliedTo() {
        assertEquals("route [chat]: parameter [wsproxy.pingInterval] has value [often], " + Durations.EXPECTED,
                failure(Params.chat("wsproxy.pingInterval", "often")));
    }

    @Test
    void aTrustStoreThatDoesNotOpenWithItsPasswordFailsDeployment() throws Exception {
        Path store = Params.trustStore(dir.resolve("trust.p12"), "PKCS12", "right");
        String message = failure(Params.chat("wsproxy.route.chat.trustStore", store.toString(),
                "wsproxy.route.chat.trustStorePassword", "wrong-password", "wsproxy.route.chat.trustStoreType", "PKCS12"));
        assertTrue(message.startsWith("route [chat]: parameter [wsproxy.route.chat.trustStore] has value [" + store + "]"), message);
        assertTrue(message.contains("cannot be opened as a [PKCS12] trust store"), message);
        assertFalse(message.contains("wrong-password"), message);
    }

    @Test
    void aFileThatIsNoKeyStoreFailsDeployment() throws Exception {
        Path store = Files.writeString(dir.resolve("notes.txt"), "not a key store");
        String message = failure(Params.chat("wsproxy.route.chat.trustStore", store.toString(),
                "wsproxy.route.chat.trustStoreType", "PKCS12"));
        assertTrue(message.contains("cannot be opened as a [PKCS12] trust store"), message);
    }

    @Test
    void aDirectoryIsNotATrustStore() {
        String message = failure(Params.chat("wsproxy.route.chat.trustStore", dir.toString()));
        assertTrue(message.contains("[" + dir.toAbsolutePath() + "] is not a file"), message);
    }

    @Test
    void aStickyCookieNameWithoutStickyCookieIsRefused() {
        String message = failure(Params.chat("wsproxy.route.chat.stickyCookie", "SRV"));
        assertEquals("route [chat]: parameter [wsproxy.route.chat.stickyCookie] is set but parameter "
                + "[wsproxy.route.chat.sticky] is not cookie; the cookie name is only used by sticky=cookie", message);
    }

    @Test
    void aBadHttpModeNamesTheParameterAndTheChoices() {
        String message = failure(Params.chat("wsproxy.route.chat.http", "pass"));
        assertTrue(message.contains("[wsproxy.route.chat.http]") && message.contains("[pass]")
                && message.contains("expected one of refuse, proxy"), message);
    }

    @Test
    void aPasswordWithoutATrustStoreIsRefusedWithoutShowingIt() {
        String message = failure(Params.chat("wsproxy.route.chat.trustStorePassword", "s3cret"));
        assertEquals("route [chat]: parameter [wsproxy.route.chat.trustStorePassword] is set but parameter "
                + "[wsproxy.route.chat.trustStore] is not; the password is only used to open that trust store",
                message);
    }

    @Test
    void aMisspeltRouteOptionIsRefused() {
        String message = failure(Params.chat("wsproxy.route.chat.conectTimeout", "5s"));
        assertTrue(message.startsWith("route [chat]: parameter [wsproxy.route.chat.conectTimeout]: unknown option "
                + "[conectTimeout]; known options: path, backend, forwardPath,"), message);
        assertTrue(message.contains("connectTimeout"), message);
    }

    @Test
    void optionNamesAreCaseSensitive() {
        assertTrue(failure(Params.chat("wsproxy.route.chat.ConnectTimeout", "5s"))
                .contains("unknown option [ConnectTimeout]"));
    }

    @Test
    void aMisspeltDefaultIsRefused() {
        String message = failure(Params.chat("wsproxy.conectTimeout", "5s"));
        assertTrue(message.startsWith("parameter [wsproxy.conectTimeout]: unknown option [conectTimeout]; "
                + "known options: backend, forwardPath,"), message);
    }

    @Test
    void theBackendAndPathCannotBeDefaults() {
        assertTrue(failure(Params.chat("wsproxy.backend", "ws://b.example/"))
                .startsWith("parameter [wsproxy.backend] cannot be a default for every route"));
        assertTrue(failure(Params.chat("wsproxy.path", "/x"))
                .startsWith("parameter [wsproxy.path]: unknown option [path]"));
    }

    @Test
    void severalBackendsAreListedWithCommas() throws ConfigException {
        Route r = only(Params.chat("wsproxy.route.chat.backend", " ws://a.example:8080/chat , wss://b.example/chat",
                "wsproxy.route.chat.balance", "least-connections", "wsproxy.maxFails", "3",
                "wsproxy.route.chat.failTimeout", "30s", "wsproxy.route.chat.healthCheckInterval", "2s"));
        assertEquals(List.of(URI.create("ws://a.example:8080/chat"), URI.create("wss://b.example:443/chat")), r.backends());
        assertEquals(Balance.LEAST_CONNECTIONS, r.balance());
        assertEquals(3, r.maxFails());
        assertEquals(Duration.ofSeconds(30), r.failTimeout());
        assertEquals(Duration.ofSeconds(2), r.healthCheckInterval());
        assertTrue(r.toString().contains("backend=[ws://a.example:8080/chat, wss://b.example:443/chat]"), r.toString());
    }

    @Test
    void aBadBackendInAListIsNamed() {
        assertEquals("route [chat]: parameter [wsproxy.route.chat.backend] has value [ws://a.example/, http://b.example/], "
                + "[http://b.example/] is not a backend: expected a ws:// or wss:// URL such as ws://backend.example:8080/chat",
                failure(Params.chat("wsproxy.route.chat.backend", "ws://a.example/, http://b.example/")));
        assertEquals("route [chat]: parameter [wsproxy.route.chat.backend] has value [ws://a.example/,,ws://b.example/], "
                + "expected one or more ws:// or wss:// URLs, comma-separated, such as ws://10.0.0.5:8080/chat, "
                + "ws://10.0.0.6:8080/chat, without empty entries",
                failure(Params.chat("wsproxy.route.chat.backend", "ws://a.example/,,ws://b.example/")));
        assertEquals("route [chat]: parameter [wsproxy.route.chat.backend] has value [ws://a.example/x, ws://a.example:80/x], "
                + "[ws://a.example:80/x] is listed twice; each backend once",
                failure(Params.chat("wsproxy.route.chat.backend", "ws://a.example/x, ws://a.example:80/x")));
        assertEquals("route [chat]: parameter [wsproxy.route.chat.maxFails] has value [0], expected a whole number from 1",
                failure(Params.chat("wsproxy.route.chat.maxFails", "0")).replaceAll(" to \\d+", ""));
        assertTrue(failure(Params.chat("wsproxy.failTimeout", "0")).startsWith(
                "route [chat]: parameter [wsproxy.failTimeout] has value [0], expected"));
    }

    @Test
    void drainTimeForEveryRouteOverriddenPerRouteAndAtMostFiveMinutes() throws ConfigException {
        assertEquals(Duration.ofMinutes(5), only(Params.chat("wsproxy.drainTime", "5m")).drainTime());
        assertEquals(Duration.ofSeconds(2), only(Params.chat("wsproxy.drainTime", "5m",
                "wsproxy.route.chat.drainTime", "2s")).drainTime());
        assertEquals("route [chat]: parameter [wsproxy.drainTime] has value [1h], expected a duration from 0 to 5m, "
                + "such as 500ms, 10s, 5m (a bare number is milliseconds)", failure(Params.chat("wsproxy.drainTime", "1h")));
    }

    /** Checked at deployment, as a route's own value or as the default of every route; no name is looked up. */
    @Test
    void trustedProxiesAreCheckedAtDeployment() throws ConfigException {
        assertEquals("route [chat]: parameter [wsproxy.route.chat.trustedProxies] has value [10.0.0.0/8, 10.0.0.0/33], "
                + AddressBlocks.EXPECTED + "; [10.0.0.0/33]: the prefix length must be from 0 to 32",
                failure(Params.chat("wsproxy.route.chat.trustedProxies", "10.0.0.0/8, 10.0.0.0/33")));
        assertEquals("route [chat]: parameter [wsproxy.trustedProxies] has value [localhost], " + AddressBlocks.EXPECTED
                + "; [localhost]: host names are not allowed, since they are never looked up; write the proxy's address",
                failure(Params.chat("wsproxy.trustedProxies", "localhost")));
        Route r = only(Params.chat("wsproxy.route.chat.trustedProxies", "127.0.0.1, 10.0.0.0/8"));
        assertEquals("127.0.0.1, 10.0.0.0/8", r.trustedProxies().toString());
        assertTrue(r.toString().endsWith(", trustedProxies=127.0.0.1, 10.0.0.0/8]"), r.toString());
    }

    @Test
    void aRouteWithoutBackendNamesTheMissingParameter() {
        assertEquals("route [chat]: parameter [wsproxy.route.chat.backend] is missing; expected the ws:// or wss:// "
                + "URL of the backend, such as ws://backend.example:8080/chat (port 80 or 443 when absent), or several, "
                + "comma-separated, to share connections among",
                failure(Params.of("wsproxy.route.chat.path", "/chat")));
    }

    @Test
    void aRouteWithoutPathNamesTheMissingParameter() {
        assertEquals("route [chat]: parameter [wsproxy.route.chat.path] is missing; " + UrlPatterns.EXPECTED,
                failure(Params.of("wsproxy.route.chat.backend", "ws://b.example/")));
        assertTrue(failure(Params.of("wsproxy.route.chat.idleTimeout", "1s"))
                .startsWith("route [chat]: parameter [wsproxy.route.chat.path] is missing"));
    }

    @Test
    void routeNamesAreChecked() {
        assertEquals("route [my chat]: parameter [wsproxy.route.my chat.path] names route [my chat], expected a "
                + "route name of letters, digits, _ and -", failure(Params.of("wsproxy.route.my chat.path", "/x")));
        assertTrue(failure(Params.of("wsproxy.route..path", "/x")).startsWith("route []: "));
        assertTrue(failure(Params.of("wsproxy.route.chat", "/x"))
                .startsWith("parameter [wsproxy.route.chat] names no route option, expected wsproxy.route.<name>."));
    }

    @Test
    void namesWithDigitsUnderscoresAndDashesAreFine() throws ConfigException {
        Route r = only(Params.of("wsproxy.route.Chat_2-eu.path", "/c", "wsproxy.route.Chat_2-eu.backend", "ws://b/"));
        assertEquals("Chat_2-eu", r.name());
    }

    @Test
    void twoRoutesOnOnePathAreRefusedNamingBoth() {
        assertEquals("route [chat] and route [talk] have the same path [/chat/*]; a path may belong to one route only",
                failure(Params.chat("wsproxy.route.talk.path", "/chat/*", "wsproxy.route.talk.backend", "ws://t/")));
    }

    @Test
    void anExactPathAndAPrefixOfTheSameTextAreDifferentPaths() throws ConfigException {
        assertEquals(2, RouteConfig.fromContextParams(Params.chat(
                "wsproxy.route.exact.path", "/chat", "wsproxy.route.exact.backend", "ws://t/")).size());
    }

    @Test
    void theFirstProblemIsTheSameWhateverTheMapOrder() {
        Map<String, String> params = Params.chat(
                "wsproxy.route.zeta.path", "/z", "wsproxy.route.zeta.idleTimeout", "bad",
                "wsproxy.route.alpha.path", "/a", "wsproxy.route.alpha.idleTimeout", "bad");
        assertTrue(failure(params).startsWith("route [alpha]: "));
    }

    @Test
    void theResultCannotBeModified() throws ConfigException {
        List<Route> routes = RouteConfig.fromContextParams(Params.chat());
        assertThrows(UnsupportedOperationException.class, () -> routes.remove(0));
        assertThrows(UnsupportedOperationException.class,
                () -> only(Params.chat("wsproxy.route.chat.dropHeaders", "a")).dropHeaders().add("b"));
    }
}
