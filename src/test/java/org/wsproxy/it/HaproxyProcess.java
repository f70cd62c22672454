package org.wsproxy.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy: Debian's package ({@code /usr/sbin/haproxy}, which ./test.sh installs), run in the
 * foreground ({@code -db}) on a configuration file the test wrote, its console in a log file. What
 * HAProxy thinks of its servers comes from its stats listener, as CSV. A shutdown hook kills it
 * should the test JVM end without {@link #close()} (as Cargo's does for the containers it starts).
 */
final class HaproxyProcess implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/haproxy");
    /** HAProxy parses its configuration and binds its ports in well under a second; 10 s on a busy machine. */
    private static final Duration START_WAIT = Duration.ofSeconds(10);
    /** Between two looks at the stats: a tenth of the example's check interval. */
    private static final long POLL_MILLIS = 50;
    /** One HttpClient for the stats page: it has a selector thread of its own. */
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** A server as HAProxy's stats show it: status ("UP", "DOWN", "UP 1/2" while rising, ...) and open sessions. */
    record Server(String status, int sessions, String checkStatus) {
    }

    private final Process process;
    private final URI statsCsv;
    private final Path log;
    private final Thread killer;

    private HaproxyProcess(Process process, int statsPort, Path log) {
        this.process = process;
        this.statsCsv = URI.create("http://127.0.0.1:" + statsPort + "/;csv");
        this.log = log;
        this.killer = new Thread(process::destroyForcibly, "haproxy-killer");
    }

    /**
     * Starts HAProxy on {@code config} and waits until its stats listener, on {@code statsPort},
     * answers. Fails if HAProxy is not installed ({@link #requireInstalled()}).
     */
    static HaproxyProcess start(Path config, int statsPort, Path log) throws IOException, InterruptedException {
        requireInstalled();
        Process process = new ProcessBuilder(BINARY.toString(), "-f", config.toString(), "-db")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HaproxyProcess haproxy = new HaproxyProcess(process, statsPort, log);
        Runtime.getRuntime().addShutdownHook(haproxy.killer);
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                haproxy.close();
                throw new AssertionError("HAProxy exited with status " + process.exitValue() + " at start: " + haproxy.logText());
            }
            try {
                haproxy.servers("stats");
                return haproxy;
            } catch (IOException notYet) {
                if (System.nanoTime() >= deadline) {
                    haproxy.close();
                    throw new AssertionError("HAProxy's stats did not answer within " + START_WAIT + ": " + notYet + "; log: "
                            + haproxy.logText());
                }
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
    }

    /** Fails, naming the package to install, if HAProxy is not installed: the tests that need it must not pass without it. */
    static void requireInstalled() {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError(BINARY + " is missing: this test runs a real HAProxy; apt-get install haproxy (./test.sh does)");
        }
    }

    /** The servers of {@code backend} (the name of a backend or listen section) by name, as HAProxy's stats show them now. */
    Map<String, Server> servers(String backend) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(statsCsv).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new IOException("HAProxy's stats " + statsCsv + " answered " + response.statusCode());
        }
        List<String> lines = response.body().lines().toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            throw new IOException("HAProxy's stats " + statsCsv + " are not CSV with a header: " + response.body());
        }
        List<String> columns = Arrays.asList(lines.get(0).substring(2).split(",", -1));
        int proxy = columns.indexOf("pxname");
        int name = columns.indexOf("svname");
        int status = columns.indexOf("status");
        int sessions = columns.indexOf("scur");
        int check = columns.indexOf("check_status");
        Map<String, Server> servers = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            if (fields.length == columns.size() && fields[proxy].equals(backend)
                    && !fields[name].equals("FRONTEND") && !fields[name].equals("BACKEND")) {
                servers.put(fields[name], new Server(fields[status], Integer.parseInt(fields[sessions]), fields[check]));
            }
        }
        return servers;
    }

    /**
     * Waits until HAProxy shows {@code server} of {@code backend} with {@code status} ("UP",
     * "DOWN"), at most {@code wait}; returns how long that took.
     */
    Duration awaitStatus(String backend, String server, String status, Duration wait) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + wait.toNanos();
        while (true) {
            Server now = servers(backend).get(server);
            if (now != null && now.status().equals(status)) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("HAProxy did not show server " + backend + "/" + server + " " + status + " within " + wait
                        + "; it shows " + now + "; see " + log);
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
    }

    /** HAProxy's console: its warnings and one line per request or tunnel (the example logs to stdout). */
    String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    Path log() {
        return log;
    }

    /** Stops HAProxy (SIGTERM, which ends it at once, then SIGKILL after 10 s) and waits until it is gone. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is exiting: the hook runs (and finds HAProxy gone) or has run.
        }
    }
}
