package org.wsproxy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import jakarta.websocket.CloseReason;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;
import org.xml.sax.SAXException;

/**
 * deploy-examples/haproxy-cluster, run as its README says: a real HAProxy (Debian's package) in
 * front of two Apache Tomcats ({@link StandaloneTomcat}, one installation of the distribution)
 * with {@code target/wsproxy.war}, all on 127.0.0.1. The example's files are used unchanged; only
 * free ports are filled in: haproxy.cfg for HAProxy, wsproxy.xml as each Tomcat's context file,
 * connector.xml's attributes on each Tomcat's HTTP connector. To tell which Tomcat a connection
 * came through, each Tomcat's route points at an echo backend of its own ({@link TestBackend}s in
 * this JVM); each client names itself in its query string, which the backend records.
 * <p>
 * Clients spread over both Tomcats; one Tomcat is stopped as an administrator stops it (its
 * shutdown port). Its clients get 1001 from wsproxy's drain, reconnect through HAProxy and land on
 * the other Tomcat, as do new clients; the other Tomcat's clients notice nothing. Then the stopped
 * Tomcat starts again, and HAProxy sends it the new connections.
 */
class HaproxyClusterIT {

    /** Clients before the stop: enough for a spread and for a drain that closes them one by one. */
    private static final int CLIENTS = 20;
    /** Clients opened while the first Tomcat is down, and after it is back. */
    private static final int NEW_CLIENTS = 6;
    private static final String CONTEXT_PATH = Deployment.CONTEXT_PATH;
    /** The names haproxy.cfg gives the two Tomcats, and its backend section. */
    private static final List<String> TOMCATS = List.of("tomcat1", "tomcat2");
    private static final String HAPROXY_BACKEND = "wsproxy";

    /** Enough request threads for the clients' handshakes and HAProxy's health checks at once. */
    private static final int REQUEST_THREADS = 25;
    private static final List<String> CONTAINER_JVM = List.of("-Xmx256m");

    /**
     * Longest wait for HAProxy to show a Tomcat in a new state: its checks run every 500 ms, one
     * failure takes a Tomcat out and two successes bring it back (haproxy.cfg); the rest is room
     * for a busy machine.
     */
    private static final Duration STATE_WAIT = Duration.ofSeconds(15);
    /**
     * Longest wait for a client of the stopped Tomcat to get its close: wsproxy closes the last of
     * them at the end of drainTime (2 s in wsproxy.xml); the rest is room for a busy machine.
     */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);
    /** Longest wait for a stopped Tomcat's JVM to end: the drain, up to 3 s for the last closes, Tomcat's own stop. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);
    /** Longest wait for the handshake of a client that connected to show at a backend; it reaches the backend before the client's 101. */
    private static final Duration LANDING_WAIT = Duration.ofSeconds(5);

    /** In a line of HAProxy's log (option httplog), the counters ending in retries, "+" when the last retry went to another server. */
    private static final Pattern REDISPATCHED = Pattern.compile(" \\d+/\\d+/\\d+/\\d+/\\+\\d+ ");

    private static final Path DIR = Path.of(Deployment.property("it.haproxy.cluster.dir"));
    private static final Path EXAMPLE = Path.of(Deployment.property("it.haproxy.cluster.example"));
    private static final Path WAR = Path.of(Deployment.property("it.war"));

    // Set by start() before the test runs, only read after (the reconnecting threads read them too).
    /** One backend per Tomcat, in the order of {@link #TOMCATS}, as are the Tomcats and their context files. */
    private static final List<TestBackend> backends = new ArrayList<>();
    private static final List<StandaloneTomcat> tomcats = new ArrayList<>();
    private static final List<Path> contextFiles = new ArrayList<>();
    private static HaproxyProcess haproxy;
    private static int haproxyPort;

    /** The clients the test opened, closed at the end; guarded by itself (the reconnecting threads add to it). */
    private static final List<WsClient> clients = new ArrayList<>();
    /** Which Tomcat each client's handshake came through, by its query string; guarded by itself. */
    private static final Map<String, Landing> landings = new TreeMap<>();

    /** A client's handshake as the backend of the Tomcat it came through saw it. */
    private record Landing(String tomcat, TestBackend.Handshake handshake) {
    }

    /** What a client of the stopped Tomcat saw: its close, then its reconnect through HAProxy. */
    private record Moved(String client, WsClient.Close close, long closedAtNanos, String reconnectedTo, String echo,
            long reconnectedAtNanos) {
    }

    @BeforeAll
    static void start() throws IOException, InterruptedException, ParserConfigurationException, SAXException {
        HaproxyProcess.requireInstalled();
        Files.createDirectories(DIR);
        Map<String, String> connector = connectorAttributes(EXAMPLE.resolve("connector.xml"));
        Map<String, String> ports = new LinkedHashMap<>();
        for (String name : TOMCATS) {
            TestBackend backend = TestBackend.start();
            backends.add(backend);
            Path contextFile = DIR.resolve(name + "-wsproxy.xml");
            fill(EXAMPLE.resolve("wsproxy.xml"), contextFile, Map.of("@it.backend.port@", Integer.toString(backend.port())));
            contextFiles.add(contextFile);
            StandaloneTomcat tomcat = StandaloneTomcat.start(DIR.resolve(name), DIR, REQUEST_THREADS, CONTAINER_JVM, connector);
            tomcats.add(tomcat);
            tomcat.deploy(CONTEXT_PATH, WAR, contextFile);
            ports.put("@it." + name + ".port@", Integer.toString(tomcat.port()));
        }
        haproxyPort = StandaloneTomcat.freePort();
        int statsPort = StandaloneTomcat.freePort();
        ports.put("@it.haproxy.port@", Integer.toString(haproxyPort));
        ports.put("@it.haproxy.stats.port@", Integer.toString(statsPort));
        Path config = DIR.resolve("haproxy.cfg");
        fill(EXAMPLE.resolve("haproxy.cfg"), config, ports);
        haproxy = HaproxyProcess.start(config, statsPort, DIR.resolve("haproxy.log"));
        for (String name : TOMCATS) {
            haproxy.awaitStatus(HAPROXY_BACKEND, name, "UP", STATE_WAIT);
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        synchronized (clients) {
            clients.forEach(WsClient::close);
        }
        if (haproxy != null) {
            haproxy.close();
        }
        tomcats.forEach(StandaloneTomcat::close);
        backends.forEach(TestBackend::close);
    }

    @Test
    void stoppingOneTomcatMovesItsClientsAndNewConnectionsToTheOther() throws Exception {
        Map<String, WsClient> byName = new LinkedHashMap<>();
        Map<String, List<String>> spread = new TreeMap<>();
        for (int i = 0; i < CLIENTS; i++) {
            String name = "client-" + i;
            WsClient client = connect(name);
            byName.put(name, client);
            spread.computeIfAbsent(landing(name).tomcat(), tomcat -> new ArrayList<>()).add(name);
            assertEchoes(client, name);
        }
        System.out.println("spread: " + spread);
        assertEquals(TOMCATS, List.copyOf(spread.keySet()), "the Tomcats the " + CLIENTS + " clients came through: " + spread);
        int onFirst = spread.get("tomcat1").size();
        assertTrue(Math.abs(CLIENTS - 2 * onFirst) <= 1, () -> "balance leastconn places each new connection on the Tomcat with "
                + "fewer; the clients came through " + spread);
        Map<String, HaproxyProcess.Server> seen = haproxy.servers(HAPROXY_BACKEND);
        assertEquals(onFirst, seen.get("tomcat1").sessions(), "HAProxy's open sessions on tomcat1: " + seen);
        assertEquals(CLIENTS - onFirst, seen.get("tomcat2").sessions(), "HAProxy's open sessions on tomcat2: " + seen);
        assertForwardedHeaders(landing("client-0").handshake());

        List<String> moving = spread.get("tomcat1");
        List<String> staying = spread.get("tomcat2");
        ExecutorService threads = Executors.newFixedThreadPool(moving.size() + 1);
        try {
            List<Future<Moved>> moves = new ArrayList<>();
            for (String name : moving) {
                WsClient client = byName.get(name);
                moves.add(threads.submit(() -> reconnectAfterClose(name, client)));
            }
            long stopStart = System.nanoTime();
            Future<?> stopped = threads.submit(() -> tomcats.get(0).stop());
            Duration down = haproxy.awaitStatus(HAPROXY_BACKEND, "tomcat1", "DOWN", STATE_WAIT);
            System.out.println("HAProxy took tomcat1 out " + down.toMillis() + " ms after its stop began");

            List<Moved> moved = new ArrayList<>();
            for (Future<Moved> move : moves) {
                moved.add(move.get(CLOSE_WAIT.toSeconds() + LANDING_WAIT.toSeconds() + 20, TimeUnit.SECONDS));
            }
            for (Moved move : moved) {
                assertEquals(1001, move.close().code(), () -> move.client() + ": the close it got when tomcat1 stopped: " + moved);
                assertEquals("tomcat2", move.reconnectedTo(), () -> move.client() + ": where its reconnect through HAProxy went");
                assertEquals(move.client() + "-again", move.echo(), () -> move.client() + ": the echo after its reconnect");
            }
            long lastClose = moved.stream().mapToLong(Moved::closedAtNanos).max().orElseThrow();
            long firstClose = moved.stream().mapToLong(Moved::closedAtNanos).min().orElseThrow();
            long lastReconnect = moved.stream().mapToLong(Moved::reconnectedAtNanos).max().orElseThrow();
            System.out.printf("tomcat1's %d clients: closes with 1001 from %d to %d ms after the stop began, all reconnected to"
                    + " tomcat2 by %d ms%n", moved.size(), millis(firstClose - stopStart), millis(lastClose - stopStart),
                    millis(lastReconnect - stopStart));
            System.out.println("of their reconnects, HAProxy sent " + redispatched() + " to tomcat1 first, found it refused and"
                    + " sent them on to tomcat2 (its log)");
            for (int i = 0; i < moving.size(); i++) {
                CloseReason atBackend = backends.get(0).pollClose(CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS);
                assertEquals(1001, atBackend == null ? -1 : atBackend.getCloseCode().getCode(),
                        "the close tomcat1's backend got for connection " + (i + 1) + " of " + moving.size());
            }

            for (int i = 0; i < NEW_CLIENTS; i++) {
                String name = "while-down-" + i;
                assertEchoes(connect(name), name);
                assertEquals("tomcat2", landing(name).tomcat(), name + ": where a new connection went while tomcat1 was down");
            }
            stopped.get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals("DOWN", haproxy.servers(HAPROXY_BACKEND).get("tomcat1").status(), "tomcat1 once its JVM had ended");
        } finally {
            // Each waits on a client or on the stop, and ends when interrupted.
            threads.shutdownNow();
            threads.awaitTermination(10, TimeUnit.SECONDS);
        }

        for (String name : staying) {
            assertEchoes(byName.get(name), name + "-still");
        }
        assertNull(backends.get(1).pollClose(0, TimeUnit.SECONDS), "tomcat2's backend saw a connection close");

        // tomcat1 comes back: with fewer connections than tomcat2, it takes all the new ones.
        tomcats.get(0).restart();
        tomcats.get(0).deploy(CONTEXT_PATH, WAR, contextFiles.get(0));
        Duration up = haproxy.awaitStatus(HAPROXY_BACKEND, "tomcat1", "UP", STATE_WAIT);
        System.out.println("HAProxy took tomcat1 back " + up.toMillis() + " ms after wsproxy had started there again");
        for (int i = 0; i < NEW_CLIENTS; i++) {
            String name = "after-restart-" + i;
            assertEchoes(connect(name), name);
            assertEquals("tomcat1", landing(name).tomcat(), name + ": where a new connection went once tomcat1 was back");
        }
        assertNull(backends.get(1).pollClose(0, TimeUnit.SECONDS), "tomcat2's backend saw a connection close");
    }

    /**
     * Waits for {@code client}'s close (wsproxy's drain on the stopping Tomcat), then connects
     * again through HAProxy at once, as a client that reconnects does, and sends a message.
     */
    private static Moved reconnectAfterClose(String name, WsClient client) throws Exception {
        WsClient.Close close = client.awaitClose(CLOSE_WAIT.toSeconds());
        long closedAt = client.closedAtNanos();
        String again = name + "-again";
        WsClient reconnected;
        try {
            reconnected = connect(again);
        } catch (WsClient.Refused refused) {
            return new Moved(name, close, closedAt, "HTTP " + refused.status + " from HAProxy", null, System.nanoTime());
        }
        long reconnectedAt = System.nanoTime();
        reconnected.sendText(again);
        return new Moved(name, close, closedAt, landing(again).tomcat(), reconnected.nextText(), reconnectedAt);
    }

    /**
     * How many reconnects HAProxy's log shows as redispatched: its field of retries is "+1" for a
     * connection retried on another server.
     */
    private static long redispatched() throws IOException {
        return haproxy.logText().lines().filter(line -> line.contains("-again HTTP/1.1") && REDISPATCHED.matcher(line).find()).count();
    }

    /** Opens a client through HAProxy that names itself {@code name} in its query string; it is closed at the end. */
    private static WsClient connect(String name) {
        WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + haproxyPort + CONTEXT_PATH + "/echo?client=" + name));
        synchronized (clients) {
            clients.add(client);
        }
        return client;
    }

    private static void assertEchoes(WsClient client, String text) throws InterruptedException {
        client.sendText(text);
        assertEquals(text, client.nextText(), "the echo");
    }

    /**
     * wsproxy trusts HAProxy (trustedProxies in wsproxy.xml): the backend gets the X-Forwarded-*
     * that describe the client's connection to HAProxy, not HAProxy's to Tomcat.
     */
    private static void assertForwardedHeaders(TestBackend.Handshake handshake) {
        assertEquals("127.0.0.1, 127.0.0.1", handshake.header("X-Forwarded-For"),
                "X-Forwarded-For at the backend: HAProxy's (option forwardfor), then wsproxy's");
        assertEquals("http", handshake.header("X-Forwarded-Proto"), "X-Forwarded-Proto at the backend");
        assertEquals(Integer.toString(haproxyPort), handshake.header("X-Forwarded-Port"),
                "X-Forwarded-Port at the backend: HAProxy's port, where the client connected");
        assertEquals("127.0.0.1:" + haproxyPort, handshake.header("X-Forwarded-Host"), "X-Forwarded-Host at the backend");
    }

    /**
     * Which Tomcat the handshake of client {@code name} came through: the one whose backend got it.
     * The backend gets it before the client's 101, so it is there as soon as the client is open.
     */
    private static Landing landing(String name) throws InterruptedException {
        String query = "client=" + name;
        long deadline = System.nanoTime() + LANDING_WAIT.toNanos();
        while (true) {
            synchronized (landings) {
                for (int i = 0; i < TOMCATS.size(); i++) {
                    for (TestBackend.Handshake handshake; (handshake = backends.get(i).pollHandshake(0, TimeUnit.SECONDS)) != null; ) {
                        landings.put(handshake.query(), new Landing(TOMCATS.get(i), handshake));
                    }
                }
                Landing landing = landings.get(query);
                if (landing != null) {
                    return landing;
                }
                if (System.nanoTime() >= deadline) {
                    throw new AssertionError("no backend got the handshake of " + name + " within " + LANDING_WAIT);
                }
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    /** The attributes connector.xml gives the HTTP connector, other than the port and the protocol (which stay the test's). */
    private static Map<String, String> connectorAttributes(Path file) throws IOException, ParserConfigurationException, SAXException {
        Element connector = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile()).getDocumentElement();
        NamedNodeMap attributes = connector.getAttributes();
        Map<String, String> set = new TreeMap<>();
        for (int i = 0; i < attributes.getLength(); i++) {
            String name = attributes.item(i).getNodeName();
            if (!name.equals("port") && !name.equals("protocol")) {
                set.put(name, attributes.item(i).getNodeValue());
            }
        }
        return set;
    }

    /** Copies {@code example} to {@code to} with each of {@code values}' keys replaced by its value; fails if one is missing or left over. */
    private static void fill(Path example, Path to, Map<String, String> values) throws IOException {
        String text = Files.readString(example, StandardCharsets.UTF_8);
        for (Map.Entry<String, String> value : values.entrySet()) {
            if (!text.contains(value.getKey())) {
                throw new AssertionError(example + " has no " + value.getKey() + " to fill in");
            }
            text = text.replace(value.getKey(), value.getValue());
        }
        if (text.contains("@it.")) {
            throw new AssertionError(example + " has a placeholder the test does not fill in: " + text);
        }
        Files.writeString(to, text, StandardCharsets.UTF_8);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
