package org.wsproxy.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import jakarta.websocket.CloseReason;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsproxy.support.HttpBackend;
import org.wsproxy.support.HttpFirstClients;
import org.wsproxy.support.PeerProcess;
import org.wsproxy.support.PrometheusText;
import org.wsproxy.support.RawClient;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/**
 * What every container must do with the deployed WAR, as a client on 127.0.0.1 sees it. The routes
 * come from deploy-examples/ (see {@link org.wsproxy.it}): {@code /echo} leads to the
 * {@link TestBackend} this class starts, {@code /down} to a port where nothing listens.
 * Subclasses name the container; JUnit runs these tests once per subclass. The WebSocket client is
 * {@link WsClient}, as in the embedded tests; each test closes its own.
 */
abstract class ProxyScenario {

    /** Longest wait for one step (a handshake, a message, a close). */
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Longest wait for a 5 MiB message to come back: two hops each way, on a small machine. */
    private static final Duration LARGE_WAIT = Duration.ofSeconds(30);
    private static final int LARGE_SIZE = 5 * 1024 * 1024;
    /**
     * One character of each UTF-8 length: U+0061 (1 byte), U+00E9 (2), U+20AC (3), U+1F600 (4, a
     * surrogate pair in a Java string), so 10 bytes. Repeated to 5 MiB, the containers' splits of the text into parts
     * (Tomcat's and Tyrus's differ) fall inside characters and between surrogates.
     */
    private static final String MIXED_WIDTH_CHARACTERS = "a\u00e9\u20ac\ud83d\ude00";
    /** The bar for noticing a peer that died: the other side hears of it within a second. */
    private static final Duration KILL_NOTICE = Duration.ofSeconds(1);

    /**
     * The path prefix of the routes on the container's default engine (echo, process), and of the
     * same routes on the jsr356 engine (echo-jsr356, process-jsr356 in every deploy example): the
     * scenarios that carry traffic run on both, so that jsr356's fixes stay covered on containers
     * whose default is frames.
     */
    static final String DEFAULT_ENGINE = "";
    static final String JSR356_ENGINE = "/jsr356";

    private static TestBackend backend;

    /**
     * Only for plain HTTP: Java 17's HttpClient cannot be closed, only dropped. HTTP/1.1, as a browser
     * asks for a page over plain HTTP: by default the client offers an upgrade to HTTP/2 (h2c), and
     * Open Liberty 26.0.0.3 answers it with 101 and then never sends the response (curl --http2 shows
     * the same on any of its applications).
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(WAIT).build();

    /** The container under test. */
    abstract Deployment deployment();

    /**
     * The engine the container's routes get by default (server.Engines): "frames" where its client
     * leg passed this scenario, else "jsr356".
     */
    abstract String defaultEngine();

    /**
     * False where a streamed HTTP response (http=proxy) reaches its client only as the response
     * ends: Open Liberty 26.0.0.5 commits what wsproxy flushes from its I/O thread without sending
     * it (README, Known limitations), so a Server-Sent Event waits there.
     */
    boolean streamsFlushAtOnce() {
        return true;
    }

    /**
     * True where the container's own WebSocket stack decodes each frame of a text message on its
     * own, and so refuses a message split inside a character with 1007 before wsproxy sees it: Open
     * Liberty's (README, Known limitations). There the test pins that answer on the jsr356 engine,
     * so that a change either way is noticed; the frame engine does not use that stack.
     */
    boolean refusesTextSplitInsideACharacter() {
        return false;
    }

    @BeforeAll
    static void startBackend() {
        backend = TestBackend.start(Deployment.backendPort());
    }

    @AfterAll
    static void stopBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    /** Plumbing: the WAR is deployed at /wsproxy and answers plain HTTP. */
    @Test
    void warIsDeployed() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(deployment().http("/")).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), () -> "GET " + deployment().http("/") + " on " + deployment().container()
                + " answered " + response.statusCode() + ": " + abbreviate(response.body()));
    }

    /** Plumbing: the routes set outside the WAR reached the application when it started. */
    @Test
    void routesComeFromOutsideTheWar() throws Exception {
        // The WAR has no routes: the index page lists the ones set outside it. (The container's log
        // says the same, but GlassFish under load has been seen to write no log at all for a run.)
        HttpResponse<String> index = HTTP.send(HttpRequest.newBuilder(deployment().http("/")).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, index.statusCode());
        assertTrue(index.body().contains("<code>/echo</code>") && index.body().contains("<code>/down</code>"), index.body());
    }

    /**
     * The routes without an engine option run on the container's default engine, the /jsr356 ones on
     * jsr356, as the index page lists them: the scenarios below then cover the engine they mean to.
     */
    @Test
    void eachRouteRunsOnTheEngineMeantForIt() throws Exception {
        HttpResponse<String> index = HTTP.send(HttpRequest.newBuilder(deployment().http("/")).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, index.statusCode());
        for (String route : List.of("echo", "process")) {
            assertTrue(index.body().contains("(route <code>" + route + "</code>, engine <code>" + defaultEngine() + "</code>)"),
                    () -> deployment().container() + ": route " + route + " is not on " + defaultEngine() + ": " + index.body());
            assertTrue(index.body().contains("(route <code>" + route + "-jsr356</code>, engine <code>jsr356</code>)"),
                    () -> deployment().container() + ": route " + route + "-jsr356 is not on jsr356: " + index.body());
        }
    }

    /** A load balancer's health check: the WAR's /health answers 200 while the application runs. */
    @Test
    void healthCheckAnswersOk() throws Exception {
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(deployment().http("/health")).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), () -> "GET " + deployment().http("/health") + " on " + deployment().container()
                + " answered " + health.statusCode() + ": " + abbreviate(health.body()));
        assertTrue(health.body().startsWith("{\"status\":\"ok\",\"routes\":"), health.body());
        assertEquals("no-store", health.headers().firstValue("Cache-Control").orElse(""));
    }

    /**
     * The status page, from this machine (the default): the page with its policy, and the data it
     * polls, with the routes set outside the WAR. The page's mapping ({@code /status/*}, its path
     * info) and the peer address are the container's, hence a check on each.
     */
    @Test
    void statusPageAnswersThisMachine() throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(deployment().http("/status")).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode(), () -> "GET " + deployment().http("/status") + " on " + deployment().container()
                + " answered " + page.statusCode() + ": " + abbreviate(page.body()));
        assertTrue(page.body().contains("/wsproxy/status/status.js"), page.body());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"),
                page.headers().toString());
        HttpResponse<String> data = HTTP.send(HttpRequest.newBuilder(deployment().http("/status/data.json")).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, data.statusCode(), () -> abbreviate(data.body()));
        assertTrue(data.body().contains("\"path\":\"/echo\"") && data.body().contains("\"path\":\"/down\""), data.body());
        assertEquals("no-store", data.headers().firstValue("Cache-Control").orElse(""));
    }

    /**
     * Prometheus's scrape of /metrics (allowed from this machine by default): a message echoed on
     * the echo route moves its counters. Other tests may add to them meanwhile, hence "at least".
     */
    @Test
    void metricsCountTheEcho() throws Exception {
        PrometheusText before = scrapeMetrics();
        String text = "counted by " + deployment().container();
        try (WsClient client = connect(DEFAULT_ENGINE)) {
            client.sendText(text);
            assertEquals(text, client.nextText(WAIT));
        }
        double inBefore = echoRoute(before, "wsproxy_messages_total", "direction", "in");
        double bytesBefore = echoRoute(before, "wsproxy_bytes_total", "direction", "in");
        double okBefore = echoRoute(before, "wsproxy_handshakes_total", "outcome", "ok");
        Predicate<PrometheusText> counted = page -> echoRoute(page, "wsproxy_messages_total", "direction", "in") >= inBefore + 1
                && echoRoute(page, "wsproxy_bytes_total", "direction", "in") >= bytesBefore + text.length()
                && echoRoute(page, "wsproxy_handshakes_total", "outcome", "ok") >= okBefore + 1;
        // A message is counted once passed on, which may be just after its echo arrived.
        long deadline = System.nanoTime() + WAIT.toNanos();
        PrometheusText after = scrapeMetrics();
        while (!counted.test(after) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            after = scrapeMetrics();
        }
        PrometheusText page = after;
        assertTrue(counted.test(page), () -> "before: " + inBefore + " messages, " + bytesBefore + " bytes in, " + okBefore
                + " handshakes ok on route echo; now:\n" + page);
    }

    /** The sum of a metric's samples on the echo route that have this label. */
    private static double echoRoute(PrometheusText page, String name, String label, String value) {
        return page.samples(name).stream()
                .filter(s -> "echo".equals(s.labels().get("route")) && value.equals(s.labels().get(label)))
                .mapToDouble(PrometheusText.Sample::value).sum();
    }

    private PrometheusText scrapeMetrics() throws Exception {
        HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(deployment().http("/metrics")).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode(), () -> "GET " + deployment().http("/metrics") + " on " + deployment().container()
                + " answered " + metrics.statusCode() + ": " + abbreviate(metrics.body()));
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                metrics.headers().map().toString());
        assertEquals("no-store", metrics.headers().firstValue("Cache-Control").orElse(""));
        return PrometheusText.parse(metrics.body());
    }

    @ParameterizedTest(name = "route prefix \"{0}\"")
    @ValueSource(strings = {DEFAULT_ENGINE, JSR356_ENGINE})
    void textIsEchoed(String engine) throws Exception {
        try (WsClient client = connect(engine)) {
            client.sendText("hello through " + deployment().container());
            assertEquals("hello through " + deployment().container(), client.nextText(WAIT));
        }
    }

    @ParameterizedTest(name = "route prefix \"{0}\"")
    @ValueSource(strings = {DEFAULT_ENGINE, JSR356_ENGINE})
    void binaryIsEchoed(String engine) throws Exception {
        try (WsClient client = connect(engine)) {
            byte[] data = {0, 1, 2, (byte) 0xff, (byte) 0x80, 127};
            client.sendBinary(data);
            assertArrayEquals(data, client.nextBinary(WAIT));
        }
    }

    @ParameterizedTest(name = "route prefix \"{0}\"")
    @ValueSource(strings = {DEFAULT_ENGINE, JSR356_ENGINE})
    void fiveMebibyteBinaryIsEchoedUnchanged(String engine) throws Exception {
        try (WsClient client = connect(engine)) {
            byte[] data = new byte[LARGE_SIZE];
            new Random(42).nextBytes(data);
            client.sendBinary(data);
            byte[] echoed = client.nextBinary(LARGE_WAIT);
            assertEquals(data.length, echoed.length, "length of the echoed message");
            assertArrayEquals(data, echoed);
        }
    }

    /** Each container hands the text to the proxy in parts of its own size; none may damage a character. */
    @ParameterizedTest(name = "route prefix \"{0}\"")
    @ValueSource(strings = {DEFAULT_ENGINE, JSR356_ENGINE})
    void fiveMebibyteTextOfMixedWidthCharactersIsEchoedUnchanged(String engine) throws Exception {
        int width = MIXED_WIDTH_CHARACTERS.getBytes(StandardCharsets.UTF_8).length;
        String text = MIXED_WIDTH_CHARACTERS.repeat(LARGE_SIZE / width);
        try (WsClient client = connect(engine)) {
            client.sendText(text);
            String echoed = client.nextText(LARGE_WAIT);
            assertSameText(text, echoed);
        }
    }

    /** The client offers two; only the second is one the backend supports, so a proxy that chose
     *  by itself (the first offered) would be caught. */
    @ParameterizedTest(name = "route prefix \"{0}\"")
    @ValueSource(strings = {DEFAULT_ENGINE, JSR356_ENGINE})
    void backendChoosesTheSubprotocol(String engine) throws Exception {
        String unsupported = "unknown.wsproxy.test";
        String supported = TestBackend.SUBPROTOCOLS.get(1);
        try (WsClient client = connect(engine, unsupported, supported)) {
            assertEquals(supported, client.subprotocol());
        }
    }

    @ParameterizedTest(name = "route prefix \"{0}\"")
    @ValueSource(strings = {DEFAULT_ENGINE, JSR356_ENGINE})
    void clientCloseReachesBackend(String engine) throws Exception {
        try (WsClient client = connect(engine)) {
            // A message both ways first: the backend connection is open before the close is sent.
            client.sendText("before close");
            assertEquals("before close", client.nextText(WAIT));
            String reason = "bye from the client on " + deployment().container();
            client.close(4000, reason);
            CloseReason atBackend = awaitBackendClose(4000, reason);
            assertEquals(reason, atBackend.getReasonPhrase());
        }
    }

    @ParameterizedTest(name = "route prefix \"{0}\"")
    @ValueSource(strings = {DEFAULT_ENGINE, JSR356_ENGINE})
    void backendCloseReachesClient(String engine) throws Exception {
        try (WsClient client = connect(engine)) {
            String reason = "bye from the backend via " + deployment().container();
            client.sendText("close:4000:" + reason);
            assertEquals(new WsClient.Close(4000, reason), client.awaitClose(WAIT.toSeconds()));
        }
    }

    /**
     * Socket.IO 4 with its default transports through the deploy example's /socket.io route
     * (http=proxy, sticky=cookie): HTTP long-polling first, then the upgrade to websocket, events
     * with acknowledgements, a binary attachment, 1 MiB, a room broadcast.
     */
    @Test
    void socketIoDefaultTransportsPollThenUpgrade() throws Exception {
        try (PeerProcess server = PeerProcess.node("socketio", "server.js", "s1", Integer.toString(Deployment.socketIoPort()))) {
            server.await(line -> line.contains("\"event\":\"listening\""), WAIT);
            HttpFirstClients.socketIoSession(server, deployment().http("/socket.io/"), "polling,websocket",
                    deployment().container());
        }
    }

    /**
     * Answers that no write of the body commits (a chunked one that arrives whole, a 204, an empty
     * Content-Length: 0) keep the backend's status: GlassFish sent them all as 200 when
     * wsproxy completed the request without committing the head first.
     */
    @Test
    void answersWithoutABodyToWriteKeepTheirStatus() throws Exception {
        Map<String, String> answers = Map.of(
                "/chunked404", "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                "/empty404", "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
                "/204", "HTTP/1.1 204 No Content\r\n\r\n",
                "/chunked201", "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        try (HttpBackend backend = HttpBackend.startOn(Deployment.socketIoPort(), (request, out, socket) -> {
            String path = request.target().substring(request.target().lastIndexOf('/'));
            out.write(answers.get(path).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        })) {
            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1).build();
            Map<String, String> seen = new java.util.HashMap<>();
            for (String path : answers.keySet()) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        deployment().http("/socket.io" + path)).timeout(WAIT).build(),
                        HttpResponse.BodyHandlers.ofString());
                seen.put(path, response.statusCode() + " " + response.body());
            }
            assertEquals(Map.of("/chunked404", "404 abc", "/empty404", "404 ", "/204", "204 ", "/chunked201", "201 "),
                    seen, deployment().container());
        }
    }

    /**
     * Small POSTs as Socket.IO's polling clients send them: ten clients at once, each twenty in a
     * row on its kept-alive connections. Each body reaches the backend and each answer its client.
     * Open Liberty twice left a Socket.IO POST's body unread in CI (the backend answered 408 after
     * waiting for it).
     */
    @Test
    void smallPostsInARowOnKeptAliveConnectionsAllReachTheBackend() throws Exception {
        try (HttpBackend backend = HttpBackend.startOn(Deployment.socketIoPort(),
                (request, out, socket) -> HttpBackend.respond(out, 200, Map.of("Content-Type", "text/plain"), request.body()))) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            ExecutorService clients = Executors.newFixedThreadPool(10);
            try {
                List<Future<List<String>>> results = new ArrayList<>();
                for (int c = 0; c < 10; c++) {
                    int id = c;
                    results.add(clients.submit(() -> {
                        List<String> wrong = new ArrayList<>();
                        for (int i = 0; i < 20 && wrong.isEmpty(); i++) {
                            String body = "client " + id + " post " + i;
                            try {
                                HttpResponse<String> answer = client.send(HttpRequest.newBuilder(deployment().http("/socket.io/post"))
                                        .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                        HttpResponse.BodyHandlers.ofString());
                                if (answer.statusCode() != 200 || !answer.body().equals(body)) {
                                    wrong.add(body + ": " + answer.statusCode() + " " + answer.body());
                                }
                            } catch (java.io.IOException e) {
                                wrong.add(body + ": " + e);
                            }
                        }
                        return wrong;
                    }));
                }
                List<String> wrong = new ArrayList<>();
                for (Future<List<String>> result : results) {
                    wrong.addAll(result.get(60, TimeUnit.SECONDS));
                }
                assertEquals(List.of(), wrong, deployment().container());
            } finally {
                clients.shutdownNow();
                assertTrue(clients.awaitTermination(20, TimeUnit.SECONDS));
            }
        }
    }

    /**
     * A request with both Content-Length and Transfer-Encoding (the request smuggling pattern): the
     * client gets 400 and the backend nothing, or (where the container itself drops the
     * Content-Length before wsproxy sees the request, as Tomcat does) the backend receives one
     * request, framed by wsproxy alone, with only the body the chunks carry. Never the 4 bytes the
     * Content-Length names, never a second request made of the rest.
     */
    @Test
    void aRequestWithContentLengthAndTransferEncodingIsNeverRelayedWithBoth() throws Exception {
        try (HttpBackend backend = HttpBackend.startOn(Deployment.socketIoPort(),
                (request, out, socket) -> HttpBackend.respond(out, 200, Map.of(), "ok".getBytes(StandardCharsets.US_ASCII)));
             java.net.Socket socket = new java.net.Socket("127.0.0.1", deployment().port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            String smuggled = "GET /wsproxy/socket.io/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
            String body = Integer.toHexString(smuggled.length() + 5) + "\r\nhello" + smuggled + "\r\n0\r\n\r\n";
            socket.getOutputStream().write(("POST " + deployment().http("/socket.io/y").getRawPath() + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + body).getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            String status = answer.isEmpty() ? "(connection closed)" : answer.substring(0, answer.indexOf("\r\n"));
            if (status.startsWith("HTTP/1.1 400")) {
                assertEquals(0, backend.connections(), deployment().container() + ": refused, yet the backend was reached");
                return;
            }
            assertTrue(status.startsWith("HTTP/1.1 200"), () -> deployment().container() + ": " + answer);
            HttpBackend.Request seen = backend.next();
            assertEquals("POST", seen.method(), deployment().container());
            assertTrue(seen.chunked() && seen.header("Content-Length") == null, () -> deployment().container()
                    + ": one framing: " + seen.headers());
            assertEquals("hello" + smuggled, new String(seen.body(), StandardCharsets.ISO_8859_1), deployment().container());
            assertEquals(1, backend.connections(), deployment().container());
        }
    }

    /**
     * A streamed response whose backend dies mid-body (SIGKILL): the client never sees it end as a
     * complete response (no last chunk). Where streams flush at once the first event arrives before
     * the kill. The backend is the Server-Sent Events server, started where the /socket.io route's
     * backend listens.
     */
    @Test
    void aStreamWhoseBackendIsKilledNeverEndsAsAComplete() throws Exception {
        try (PeerProcess server = PeerProcess.node("sse", "server.js", Integer.toString(Deployment.socketIoPort()))) {
            server.await(line -> line.contains("\"event\":\"listening\""), WAIT);
            URI url = deployment().http("/socket.io/events?n=5&gapMs=60000");
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", url.getPort())) {
                socket.setSoTimeout((int) WAIT.toMillis());
                socket.getOutputStream().write(("GET " + url.getRawPath() + "?" + url.getRawQuery() + " HTTP/1.1\r\n"
                        + "Host: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                java.io.InputStream in = socket.getInputStream();
                StringBuilder got = new StringBuilder();
                if (streamsFlushAtOnce()) {
                    try {
                        while (!got.toString().contains("\"i\":1")) {
                            int b = in.read();
                            assertTrue(b >= 0, () -> deployment().container() + ": the stream ended before its first event: " + got);
                            got.append((char) b);
                        }
                    } catch (java.net.SocketTimeoutException e) {
                        fail(deployment().container() + ": no first event within " + WAIT + "; got: " + got);
                    }
                    assertTrue(got.toString().startsWith("HTTP/1.1 200"), () -> deployment().container() + ": " + got);
                } else {
                    server.await(line -> line.contains("\"event\":\"sent\""), WAIT);
                }
                server.kill();
                socket.setSoTimeout(5000);
                try {
                    for (int b = in.read(); b >= 0; b = in.read()) {
                        got.append((char) b);
                        assertTrue(!got.toString().endsWith("\r\n0\r\n\r\n"), () -> deployment().container()
                                + ": a stream its backend broke off ended as a complete response: " + got);
                    }
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // No last chunk within 5 s: the container closes later (its keep-alive timeout).
                }
            }
        }
    }

    @Test
    void backendDownGives502() {
        WsClient.Refused refused = assertThrows(WsClient.Refused.class,
                () -> WsClient.connect(deployment().ws("/down")).close(),
                () -> "handshake on /down of " + deployment().container() + " succeeded; expected HTTP 502");
        assertEquals(502, refused.status, () -> "handshake on /down of " + deployment().container() + " answered "
                + refused.status + ", headers: " + refused.headers);
    }

    /**
     * The pair route lists a backend that is not running before the echo backend: every handshake
     * reaches the echo backend, the first by moving on from the one that refused it.
     */
    @Test
    void aRouteWithTwoBackendsSkipsTheOneThatIsDown() throws Exception {
        for (int i = 0; i < 4; i++) {
            try (WsClient client = WsClient.connect(deployment().ws("/pair"))) {
                client.sendText("pair " + i);
                assertEquals("pair " + i, client.nextText(), () -> "echo through /pair of " + deployment().container());
            }
        }
    }

    /**
     * A backend that dies (SIGKILL: the kernel ends its connection, no close frame) mid-session: its
     * client gets a close frame with 1014 (Bad Gateway) within a second, not a hang until its own
     * timeout. The backend is Python's websockets in a process of its own on the /process route. On
     * Tomcat this once hung every client: Tomcat's WebSocket API refuses to make a 1014.
     */
    @ParameterizedTest(name = "route prefix \"{0}\"")
    @ValueSource(strings = {DEFAULT_ENGINE, JSR356_ENGINE})
    void aBackendKilledMidSessionGivesItsClient1014WithinASecond(String engine) throws Exception {
        try (PeerProcess python = PeerProcess.echoBackend(Deployment.processPort());
             WsClient client = WsClient.connect(deployment().ws(engine + "/process"))) {
            client.sendText("before the kill");
            assertEquals("before the kill", client.nextText(WAIT));
            long killedAt = python.kill();
            WsClient.Close close = client.awaitClose(5);
            long after = client.closedAtNanos() - killedAt;
            assertEquals(1014, close.code(), () -> deployment().container() + ": " + close);
            assertTrue(after <= KILL_NOTICE.toNanos(), () -> deployment().container() + ": the client got its 1014 "
                    + TimeUnit.NANOSECONDS.toMillis(after) + " ms after the kill");
        }
    }

    /**
     * A client that dies (SIGKILL: its TCP connection ends without a close frame): its backend gets a
     * close frame with 1001 (Going Away) within a second, whatever code the container reports for
     * such a close (Tomcat 1006, Open Liberty 1011). Both ends are Python's websockets processes.
     */
    @ParameterizedTest(name = "route prefix \"{0}\"")
    @ValueSource(strings = {DEFAULT_ENGINE, JSR356_ENGINE})
    void aClientKilledMidSessionGivesItsBackend1001WithinASecond(String engine) throws Exception {
        try (PeerProcess backendProcess = PeerProcess.echoBackend(Deployment.processPort());
             PeerProcess client = PeerProcess.start("ws_client.py", deployment().ws(engine + "/process").toString(), "-", "hold")) {
            client.await(line -> line.contains("\"ready\": true"), WAIT);
            backendProcess.await(line -> line.contains("\"event\": \"open\""), WAIT);
            long killedAt = client.kill();
            PeerProcess.Line closed = backendProcess.await(line -> line.contains("\"event\": \"close\""), WAIT);
            long after = closed.nanos() - killedAt;
            assertTrue(closed.text().contains("\"code\": 1001,"), () -> deployment().container() + ": " + closed.text());
            assertTrue(after <= KILL_NOTICE.toNanos(), () -> deployment().container() + ": the backend saw "
                    + closed.text() + " " + TimeUnit.NANOSECONDS.toMillis(after) + " ms after the kill");
        }
    }

    /**
     * RFC 6455 section 5.6: a text message may be split anywhere, also inside a character, as long as
     * the whole is valid UTF-8. Here U+1F600 (4 bytes) is split over three frames.
     */
    @ParameterizedTest(name = "route prefix \"{0}\"")
    @ValueSource(strings = {DEFAULT_ENGINE, JSR356_ENGINE})
    void aTextMessageSplitInsideAFourByteCharacterArrivesWhole(String engine) throws Exception {
        byte[] smiley = "\ud83d\ude00".getBytes(StandardCharsets.UTF_8);
        try (RawClient client = RawClient.connect(deployment().port(), Deployment.CONTEXT_PATH + engine + "/echo")) {
            client.frame(false, 0x1, new byte[] {'a', smiley[0], smiley[1]});
            client.frame(false, 0x0, new byte[] {smiley[2]});
            client.frame(true, 0x0, new byte[] {smiley[3], 'b'});
            boolean jsr356 = JSR356_ENGINE.equals(engine) || "jsr356".equals(defaultEngine());
            if (jsr356 && refusesTextSplitInsideACharacter()) {
                RawClient.Frame close = client.readClose();
                assertEquals(1007, close == null ? -1 : close.closeCode(), () -> deployment().container() + ": " + close);
                return;
            }
            byte[] echoed = client.readMessage();
            assertEquals("a\ud83d\ude00b", new String(echoed, StandardCharsets.UTF_8), () -> deployment().container());
            assertEquals(List.of(), client.violations());
        }
    }

    /** A client on the echo route of {@code engine}, offering these subprotocols (in this order) if any. */
    private WsClient connect(String engine, String... subprotocols) {
        return WsClient.connect(deployment().ws(engine + "/echo"), List.of(subprotocols), Map.of());
    }

    /**
     * Fails unless the two are equal, naming the first difference: {@code assertEquals} would print
     * both messages whole, 5 MiB each.
     */
    private static void assertSameText(String expected, String actual) {
        if (expected.equals(actual)) {
            return;
        }
        int at = 0;
        int common = Math.min(expected.length(), actual.length());
        while (at < common && expected.charAt(at) == actual.charAt(at)) {
            at++;
        }
        fail("echoed text differs from the sent text at char " + at + " (sent " + expected.length() + " chars, got "
                + actual.length() + "): sent [" + escaped(expected, at) + " ], got [" + escaped(actual, at) + " ]");
    }

    /** Up to 8 chars of {@code text} from {@code from}, each as U+XXXX. */
    private static String escaped(String text, int from) {
        StringBuilder out = new StringBuilder();
        for (int i = from; i < Math.min(text.length(), from + 8); i++) {
            out.append(String.format(" U+%04X", (int) text.charAt(i)));
        }
        return out.toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    /** Waits for the backend to see this close; closes of earlier tests' connections are skipped. */
    private static CloseReason awaitBackendClose(int code, String reason) throws InterruptedException {
        List<String> others = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime());
            CloseReason close;
            try {
                close = backend.nextClose(Math.max(1, left));
            } catch (AssertionError e) {
                throw new AssertionError("the backend saw no close " + code + " [" + reason + "] within " + WAIT
                        + "; it saw only " + others, e);
            }
            if (close.getCloseCode().getCode() == code && reason.equals(close.getReasonPhrase())) {
                return close;
            }
            others.add(close.getCloseCode().getCode() + " [" + close.getReasonPhrase() + "]");
        }
    }
}
