package org.wsproxy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/**
 * wsproxy inside an application of its own, in Tomcat 10.1 beside wsproxy.war (in GlassFish 7:
 * {@link GlassFishCoHostingIT}, the same tests): deploy-examples/cohost-app
 * (a servlet, a page, and two routes declared as servlets in its web.xml, one of them behind the
 * container's BASIC authentication), built by pom.xml with wsproxy-classes.jar and the jars wsproxy.war
 * bundles. What its users see: the application's own page and servlet answer as before, its routes
 * reach the backend, and wsproxy.war next to it proxies at the same time, each unaffected by the other.
 * <p>
 * The user of the protected route is a Tomcat user that Cargo wrote into conf/tomcat-users.xml
 * ({@code cargo.servlet.users} in pom.xml). Each test has its own {@link TestBackend}, on the port
 * both applications' routes lead to, so that "no handshake reached the backend" means this test's.
 */
class CoHostingIT {

    private static final String APP = "/cohost-app";
    /** Longest wait for one step (a handshake, a message, a close, a log line). */
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Only for plain HTTP: Java 17's HttpClient cannot be closed, only dropped. */
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(WAIT).build();

    private TestBackend backend;

    /** The container under test, where cohost-app.war is deployed beside wsproxy.war. */
    Deployment deployment() {
        return Deployment.tomcat();
    }

    /**
     * Whether the container's log can be searched for the routes each application logged. Where it
     * cannot, what each application lists on its index page is all that is checked.
     */
    boolean logIsReliable() {
        return true;
    }

    @BeforeEach
    void startBackend() {
        backend = TestBackend.start(Deployment.backendPort());
    }

    @AfterEach
    void stopBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void theApplicationsOwnPageAndServletAnswerAsBefore() throws Exception {
        HttpResponse<String> page = get(app("http", "/"));
        assertEquals(200, page.statusCode(), () -> "GET " + APP + "/ answered " + page.statusCode() + ": " + page.body());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page.headers().toString());
        assertTrue(page.body().contains("<h1>cohost-app</h1>"), page.body());

        HttpResponse<String> hello = get(app("http", "/hello?name=Ada"));
        assertEquals(200, hello.statusCode(), hello::body);
        assertEquals("Hello, Ada, from " + APP, hello.body().strip());
    }

    /** A prefix route declared as a servlet (form B): the path below the prefix goes on to the backend. */
    @Test
    void chatRouteIsProxiedToTheBackend() throws Exception {
        try (WsClient client = WsClient.connect(app("ws", "/chat/lobby"))) {
            client.sendText("hello from the cohost-app");
            assertEquals("hello from the cohost-app", client.nextText(WAIT));
            assertEquals("/echo/lobby", backend.nextHandshake().path());
        }
    }

    /**
     * Both applications relay at once, each to its own backend connection: messages do not cross,
     * and closing one application's connection leaves the other's open. Each application lists and
     * logs only its own routes.
     */
    @Test
    void wsproxyWarAndTheApplicationProxyAtTheSameTimeEachUnaffected() throws Exception {
        try (WsClient war = WsClient.connect(deployment().ws("/echo"));
             WsClient app = WsClient.connect(app("ws", "/chat/lobby"))) {
            Set<String> paths = Set.of(backend.nextHandshake().path(), backend.nextHandshake().path());
            assertEquals(Set.of("/echo", "/echo/lobby"), paths, "the backend handshakes of both routes");

            war.sendText("to wsproxy.war");
            app.sendText("to cohost-app");
            assertEquals("to wsproxy.war", war.nextText(WAIT));
            assertEquals("to cohost-app", app.nextText(WAIT));

            app.close(4000, "cohost-app done");
            // The client gets its close answered even though the backend's echo was written to it a
            // moment before (see CloseUnderLoadTest); this check first caught that on a real Tomcat.
            assertEquals(new WsClient.Close(4000, "cohost-app done"), app.awaitClose(WAIT.toSeconds()));
            assertEquals(4000, backend.nextClose(WAIT.toSeconds()).getCloseCode().getCode());
            war.sendText("still there?");
            assertEquals("still there?", war.nextText(WAIT), "wsproxy.war's connection outlived cohost-app's");
            assertEquals(200, get(app("http", "/")).statusCode(), "cohost-app's page, with a connection of wsproxy.war open");
        }

        String index = get(deployment().http("/")).body();
        assertTrue(index.contains("(route <code>echo</code>, engine <code>"), index);
        assertFalse(index.contains("(route <code>chat</code>"), "wsproxy.war's index lists cohost-app's route: " + index);
        if (logIsReliable()) {
            Deployment container = deployment();
            container.awaitLogLine(WAIT, "wsproxy[" + APP + "]: Route[name=chat, path=/chat/*, backend=ws://127.0.0.1:"
                    + Deployment.backendPort() + "/echo");
            container.awaitLogLine(WAIT, "wsproxy[" + APP + "]: Route[name=support, path=/support/*");
            container.awaitLogLine(WAIT, "wsproxy[/wsproxy]: Route[name=echo, path=/echo,");
        }
    }

    /** The container answers the handshake itself, before wsproxy: no backend connection is opened. */
    @Test
    void supportRouteWithoutValidCredentialsIs401AndOpensNoBackendConnection() {
        WsClient.Refused anonymous = refusal(Map.of());
        assertEquals(401, anonymous.status, () -> "headers: " + anonymous.headers);
        String challenge = header(anonymous.headers, "WWW-Authenticate");
        assertTrue(challenge != null && challenge.startsWith("Basic") && challenge.contains("realm=\"cohost-app\""),
                () -> "WWW-Authenticate: " + challenge);

        WsClient.Refused wrongPassword = refusal(Map.of("Authorization", basic(user(), "not-" + password())));
        assertEquals(401, wrongPassword.status, () -> "headers: " + wrongPassword.headers);

        assertTrue(backend.noHandshake(), "a refused handshake opened a backend connection");
    }

    /**
     * The backend learns the signed-in user from X-Forwarded-User, which the client cannot forge,
     * and does not see the credentials (dropHeaders=Authorization in cohost-app's web.xml).
     */
    @Test
    void signedInUserIsForwardedAsXForwardedUserAndAClientSentOneIsRemoved() throws Exception {
        Map<String, String> headers = Map.of("Authorization", basic(user(), password()), "X-Forwarded-User", "mallory");
        try (WsClient client = WsClient.connect(app("ws", "/support/tickets"), List.of(), headers)) {
            TestBackend.Handshake seen = backend.nextHandshake();
            assertEquals("/echo/tickets", seen.path());
            assertEquals(user(), seen.header("X-Forwarded-User"), () -> "backend handshake headers: " + seen.headers());
            assertNull(seen.header("Authorization"), "the credentials for the container reached the backend");
            client.sendText("a ticket");
            assertEquals("a ticket", client.nextText(WAIT));
        }
    }

    /** {@code <scheme>://127.0.0.1:<port>/cohost-app<path>} */
    private URI app(String scheme, String path) {
        return deployment().uri(scheme, APP, path);
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private WsClient.Refused refusal(Map<String, String> headers) {
        return assertThrows(WsClient.Refused.class,
                () -> WsClient.connect(app("ws", "/support/tickets"), List.of(), headers).close(),
                "the handshake on /support/tickets was accepted");
    }

    private static String header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> String.join(",", e.getValue())).findFirst().orElse(null);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String user() {
        return Deployment.property("it.support.user");
    }

    private static String password() {
        return Deployment.property("it.support.password");
    }
}
