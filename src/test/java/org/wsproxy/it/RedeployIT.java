package org.wsproxy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import jakarta.websocket.CloseReason;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/**
 * Undeploy, redeploy and container shutdown with 200 connections exchanging messages: every client
 * and every backend connection gets 1001, and after 20 cycles the container's JVM holds no more threads and
 * heap than after the first, and no class loader of a stopped application.
 * <p>
 * The container is a Tomcat of this test's own ({@link StandaloneTomcat}: the distribution of the
 * other integration tests, started by Cargo in its own JVM), given {@code target/wsproxy.war}
 * unchanged with {@code deploy-examples/tomcat/wsproxy.xml} as its context file, through the
 * manager application: what an administrator does by hand, and what a redeploy after editing the
 * context file does. The backend is a {@link TestBackend} in this JVM; the clients are the JDK's.
 * The container JVM is measured with jcmd ({@link ContainerJvm}).
 */
class RedeployIT {

    private static final int CONNECTIONS = 200;
    private static final int CYCLES = 20;
    private static final String CONTEXT_PATH = Deployment.CONTEXT_PATH;

    /**
     * The container's request pool, fixed (see {@link StandaloneTomcat}): 50 threads serve 200
     * connections, as a thread is only held while a frame is being read.
     */
    private static final int REQUEST_THREADS = 50;
    /**
     * The container JVM: a serial collector (no GC worker threads, whose number G1 adapts) and all
     * JIT compiler threads from the start (by default they come and go with compilation load), so
     * that its thread count moves only with what the container and the application start. 256 MiB
     * of heap is ample for 200 proxied connections (about 80 KiB each). And the --add-opens that
     * Tomcat's bin/catalina.sh adds (Cargo starts the JVM itself): without them Tomcat's checks for
     * ThreadLocals and other references an application left behind are off, and say so.
     */
    private static final List<String> CONTAINER_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC",
            "-XX:-UseDynamicNumberOfCompilerThreads",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED", "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED");

    /** Longest wait for the 200 handshakes, or for messages to flow on all of them. */
    private static final Duration CONNECT_WAIT = Duration.ofSeconds(30);
    /**
     * Longest wait for the closes once the undeploy or the stop has returned: wsproxy's stop has by
     * then waited up to 3 s for the close handshakes (ProxyRuntime.STOP_GRACE), so they are all
     * normally there already; the rest is room for a busy machine.
     */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(15);
    /**
     * Longest wait for what outlives a cycle by design to go before a measurement: Tomcat's
     * WebSocket background thread ends within a second of the last session, and Tomcat renews its
     * request threads (dropping what they last referenced) a second after an application stops.
     */
    private static final Duration SETTLE_WAIT = Duration.ofSeconds(30);
    /**
     * How much more heap (after a full GC) the container may hold after the last cycle than after
     * the first: 5 MiB, so that a leak of about 270 KiB or more per cycle fails. Between runs with
     * nothing leaking, the difference was -3.9 to +3.6 MiB, nearly all of it in int[] arrays that
     * no object refers to in a heap dump (the JVM's own; 0.2 to 6.8 MiB of them at a measurement).
     * A stopped deployment of wsproxy kept alive holds about 2 MiB (measured: 19 of them held 41
     * MiB), and the class loader count catches even one exactly.
     */
    private static final long HEAP_MARGIN_BYTES = 5 * 1024 * 1024;

    /** In Tomcat's log, a warning about one of the container's own threads: its request pool's, or its utility pool's. */
    private static final Pattern CONTAINER_THREAD = Pattern.compile("a thread named \\[(http-nio-[^\\]]*-exec-\\d+|Catalina-utility-\\d+)\\]");

    private static final Path DIR = Path.of(Deployment.property("it.redeploy.dir"));
    private static final Path WAR = Path.of(Deployment.property("it.war"));

    /** HTTP/1.1, as a scraper asks (the JDK's default also offers h2c). */
    private static final HttpClient METRICS_CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).build();

    private static TestBackend backend;
    private static StandaloneTomcat tomcat;
    private static Path contextFile;

    @BeforeAll
    static void start() throws IOException {
        backend = TestBackend.start();
        contextFile = contextFile(backend.port(), StandaloneTomcat.freePort());
        tomcat = StandaloneTomcat.start(DIR.resolve("tomcat"), REQUEST_THREADS, CONTAINER_JVM);
    }

    @AfterAll
    static void stop() {
        try {
            if (tomcat != null) {
                tomcat.close();
            }
        } finally {
            if (backend != null) {
                backend.close();
            }
        }
    }

    @Test
    void undeployRedeployAndStopUnderLoadClose1001OnBothLegsAndLeakNothing() throws Exception {
        ContainerJvm jvm = ContainerJvm.withArgument("-Dcatalina.base=" + tomcat.base());
        tomcat.deploy(CONTEXT_PATH, WAR, contextFile);
        assertFreshConnectionEchoes("first deployment");

        long cyclesStart = System.nanoTime();
        long messages = redeployUnderLoad(1);
        int applications = tomcat.runningApplications();
        ContainerJvm.Snapshot first = awaitSettled(jvm, 1, snapshot -> snapshot.webappLoaders() <= applications);
        System.out.println("after cycle 1: " + first);
        assertEquals(applications, first.webappLoaders(), "web application class loaders after a full GC, after cycle 1: "
                + "one per running application (" + applications + "), none of a stopped one");
        for (int cycle = 2; cycle <= CYCLES; cycle++) {
            messages += redeployUnderLoad(cycle);
        }
        System.out.printf("%d cycles in %d s, %d messages sent through the proxy%n", CYCLES,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - cyclesStart), messages);

        ContainerJvm.Snapshot last = awaitSettled(jvm, CYCLES,
                snapshot -> snapshot.threads() <= first.threads() && snapshot.webappLoaders() <= applications);
        System.out.println("after cycle " + CYCLES + ": " + last);
        assertTrue(last.threads() <= first.threads(), () -> "live threads of the container JVM: " + first.threads()
                + " after cycle 1, " + last.threads() + " after cycle " + CYCLES + "; grown: "
                + ContainerJvm.grown(first.threadGroups(), last.threadGroups()));
        Map<String, Integer> proxyThreads = last.groupsNamed("wsproxy", "tyrus", "grizzly");
        assertEquals(List.of(), ContainerJvm.grown(first.groupsNamed("wsproxy", "tyrus", "grizzly"), proxyThreads),
                "wsproxy's threads (Tyrus's and Grizzly's included) that are more after cycle " + CYCLES + " than after cycle 1");
        assertEquals(1, proxyThreads.getOrDefault("wsproxy-timer[" + CONTEXT_PATH + "]-#", 0),
                "wsproxy timer threads, one per running deployment: " + proxyThreads);
        assertEquals(applications, last.webappLoaders(), "web application class loaders after a full GC, after cycle "
                + CYCLES + ": one per running application (" + applications + "), none of a stopped one");
        assertTrue(last.heapBytes() <= first.heapBytes() + HEAP_MARGIN_BYTES, () -> "heap after a full GC: "
                + first.heapBytes() / 1024 + " KiB after cycle 1, " + last.heapBytes() / 1024 + " KiB after cycle " + CYCLES);
        assertNoLeakWarnings();

        try (EchoLoad load = EchoLoad.open(wsUri(), CONNECTIONS, CONNECT_WAIT)) {
            load.awaitEchoesOnAll(2, CONNECT_WAIT);
            tomcat.stop();
            assertAllClosedWith1001("container stop", load);
        }
        assertNoLeakWarnings();
    }

    /**
     * Undeploys while {@link #CONNECTIONS} clients exchange messages, checks that every leg got 1001,
     * deploys again and checks that a new connection works.
     *
     * @return the messages the clients sent
     */
    private static long redeployUnderLoad(int cycle) throws IOException, InterruptedException {
        long sent;
        try (EchoLoad load = EchoLoad.open(wsUri(), CONNECTIONS, CONNECT_WAIT)) {
            load.awaitEchoesOnAll(2, CONNECT_WAIT);
            tomcat.undeploy(CONTEXT_PATH);
            assertAllClosedWith1001("cycle " + cycle + ", undeploy", load);
            sent = load.sent();
        }
        tomcat.deploy(CONTEXT_PATH, WAR, contextFile);
        assertFreshConnectionEchoes("cycle " + cycle + ", redeployed");
        return sent;
    }

    /** Every client of {@code load} and every backend connection got 1001, and every echo was right. */
    private static void assertAllClosedWith1001(String step, EchoLoad load) throws InterruptedException {
        List<WsClient.Close> atClients = load.awaitCloses(CLOSE_WAIT);
        assertEquals(Map.of(1001, CONNECTIONS), codes(atClients), () -> step + ": the closes the clients got (code: connections); "
                + "the others: " + others(atClients));
        List<WsClient.Close> atBackend = backendCloses(CONNECTIONS);
        assertEquals(Map.of(1001, CONNECTIONS), codes(atBackend), () -> step + ": the closes the backend got (code: connections); "
                + "the others: " + others(atBackend));
        assertEquals(List.of(), load.problems(), step + ": echoes");
    }

    private static Map<Integer, Integer> codes(List<WsClient.Close> closes) {
        Map<Integer, Integer> codes = new TreeMap<>();
        closes.forEach(close -> codes.merge(close.code(), 1, Integer::sum));
        return codes;
    }

    /** The closes other than 1001, at most ten, with their reasons. */
    private static List<WsClient.Close> others(List<WsClient.Close> closes) {
        return closes.stream().filter(close -> close.code() != 1001).limit(10).toList();
    }

    /** The next {@code count} closes the backend sees, within {@link #CLOSE_WAIT} in all; -1 for each that did not come. */
    private static List<WsClient.Close> backendCloses(int count) throws InterruptedException {
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        List<WsClient.Close> closes = new ArrayList<>();
        while (closes.size() < count) {
            CloseReason close = backend.pollClose(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (close == null) {
                closes.add(new WsClient.Close(-1, "no close within " + CLOSE_WAIT));
            } else {
                closes.add(new WsClient.Close(close.getCloseCode().getCode(), close.getReasonPhrase()));
            }
        }
        return closes;
    }

    /** A new connection through the (re)deployed application echoes, and closes normally on both legs. */
    private static void assertFreshConnectionEchoes(String step) throws InterruptedException {
        try (WsClient client = WsClient.connect(wsUri())) {
            client.sendText("hello after " + step);
            assertEquals("hello after " + step, client.nextText(), step + ": the echo");
            client.close(1000, "done");
            assertEquals(1000, client.awaitClose(10).code(), step + ": the close the client got");
        } catch (Exception e) {
            throw new AssertionError(step + ": a fresh connection through " + wsUri() + " failed: " + e, e);
        }
        CloseReason atBackend = backend.nextClose(10);
        assertEquals(1000, atBackend.getCloseCode().getCode(), step + ": the close the backend got");
        // Every deployment is scraped too, so that what a scrape leaves behind is in the class loader count.
        try {
            HttpResponse<String> metrics = METRICS_CLIENT.send(HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + tomcat.port() + CONTEXT_PATH + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode(), step + ": GET /metrics");
            assertTrue(metrics.body().contains("wsproxy_handshakes_total{"), step + ": GET /metrics: " + metrics.body());
        } catch (IOException e) {
            throw new AssertionError(step + ": GET /metrics failed: " + e, e);
        }
    }

    /**
     * Measures after {@code cycle} until {@code settled} holds, or {@link #SETTLE_WAIT} has passed:
     * some threads outlive a cycle by a moment by design, and a class loader lives on until the
     * threads that last ran its code have been renewed. Keeps the class histogram in {@link #DIR}.
     */
    private static ContainerJvm.Snapshot awaitSettled(ContainerJvm jvm, int cycle, Predicate<ContainerJvm.Snapshot> settled)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SETTLE_WAIT.toNanos();
        while (true) {
            ContainerJvm.Snapshot snapshot = jvm.measure(DIR.resolve("histogram-cycle-" + cycle + ".txt"));
            if (settled.test(snapshot) || System.nanoTime() >= deadline) {
                return snapshot;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /**
     * Tomcat's checks when an application stops found nothing of wsproxy's left behind: no thread it
     * started, no ThreadLocal. Tomcat's check of threads looks for any thread whose context class
     * loader is the application's at that moment, so it also names the container's own threads that
     * are running the application's code just then: a request thread delivering a client's message
     * into wsproxy (a delivery under way when the undeploy came), or a utility thread running the
     * application's periodic background processing. Those warnings are left out here: the threads
     * are the container's and go back to its pools (the thread counts are checked apart).
     */
    private static void assertNoLeakWarnings() throws IOException {
        List<String> warnings = new ArrayList<>();
        for (String line : tomcat.logText().split("\\R")) {
            if (line.contains("[" + CONTEXT_PATH.substring(1) + "]") && (line.contains("memory leak") || line.contains("failed to stop"))
                    && !CONTAINER_THREAD.matcher(line).find()) {
                warnings.add(line);
            }
        }
        assertEquals(List.of(), warnings, "Tomcat's warnings about " + CONTEXT_PATH + " in " + tomcat.log());
    }

    private static java.net.URI wsUri() {
        return java.net.URI.create("ws://127.0.0.1:" + tomcat.port() + CONTEXT_PATH + "/echo");
    }

    /**
     * deploy-examples/tomcat/wsproxy.xml with the ports filled in as the build does for the other
     * integration tests: {@code /echo} to the backend, {@code /down} to a port where nothing listens,
     * and {@code /process} and the Socket.IO routes there too (this test starts no backend process).
     */
    private static Path contextFile(int backendPort, int downPort) throws IOException {
        String example = Files.readString(Path.of(Deployment.property("it.tomcat.context")), StandardCharsets.UTF_8);
        Files.createDirectories(DIR);
        Path file = DIR.resolve("wsproxy.xml");
        int secondSocketIoPort = StandaloneTomcat.freePort();
        while (secondSocketIoPort == downPort) {
            secondSocketIoPort = StandaloneTomcat.freePort();
        }
        Files.writeString(file, example.replace("@it.backend.port@", Integer.toString(backendPort))
                .replaceAll("@it\\.(down|process|socketio)\\.port@", Integer.toString(downPort))
                // A route lists each backend once: the second Socket.IO server's port is another one.
                .replace("@it.socketio2.port@", Integer.toString(secondSocketIoPort)), StandardCharsets.UTF_8);
        return file;
    }
}
