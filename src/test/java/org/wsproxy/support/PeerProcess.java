package org.wsproxy.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A WebSocket peer that is not a JVM: a script of {@code src/test/resources/python/} run by
 * Debian's python3 with its python3-websockets, or of {@code src/test/node/<dir>/} run by node with
 * the packages of its lock file (./test.sh installs them), in a process of its own, so that a test can kill it
 * with SIGKILL as a crash or the OOM killer would (the kernel, not the peer, then ends its
 * connections). The script prints one JSON object per line; each line is taken with the moment it
 * was read ({@link System#nanoTime()}), so that a test can bound how soon after a kill the peer
 * saw something.
 * <p>
 * The scripts exit by themselves when their standard input ends or after a bounded wait, so that
 * none outlives a test JVM that dies before {@link #close()}.
 */
public final class PeerProcess implements AutoCloseable {

    /** Debian's interpreter, where python3-websockets installs; another python3 on the PATH may lack it. */
    private static final String PYTHON = "/usr/bin/python3";
    /** The line that installs what the scripts need. */
    public static final String INSTALL = "apt-get install python3-websockets (./test.sh does)";

    /** One line the script printed, and when it was read. */
    public record Line(String text, long nanos) {
    }

    private final Process process;
    /** Set once by {@link #echoBackend} before the peer is handed out; 0 for other scripts. */
    private int port;
    private final BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
    /** Every line read so far, for failure messages; guarded by itself. */
    private final List<String> seen = new ArrayList<>();
    private final Thread reader;

    private PeerProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "python-peer-" + process.pid());
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /**
     * Runs {@code script} of {@code src/test/node/<dir>/} with node, in that folder (where its
     * node_modules are).
     */
    public static PeerProcess node(String dir, String script, String... args) throws IOException {
        Path folder = Path.of("src", "test", "node", dir).toAbsolutePath();
        if (!java.nio.file.Files.isDirectory(folder.resolve("node_modules"))) {
            throw new AssertionError(folder + "/node_modules is missing: ./test.sh installs it (npm ci)");
        }
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        return new PeerProcess(new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start());
    }

    /** Runs {@code script} (a file of src/test/resources/python/) with {@code args}. */
    public static PeerProcess start(String script, String... args) throws IOException {
        if (!new java.io.File(PYTHON).canExecute()) {
            throw new AssertionError(PYTHON + " is missing: " + INSTALL);
        }
        Path file;
        try {
            file = Path.of(PeerProcess.class.getResource("/python/" + script).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("no test resource python/" + script, e);
        }
        List<String> command = new ArrayList<>(List.of(PYTHON, file.toString()));
        command.addAll(List.of(args));
        return new PeerProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /**
     * Starts ws_backend.py on 127.0.0.1:{@code port} and waits until it listens.
     *
     * @param pem nothing for ws://; the certificate chain and key files for wss://
     */
    public static PeerProcess echoBackend(int port, Path... pem) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(Integer.toString(port)));
        for (Path file : pem) {
            args.add(file.toString());
        }
        PeerProcess backend = start("ws_backend.py", args.toArray(new String[0]));
        Line listening = backend.await(line -> line.contains("\"event\": \"listening\""), Duration.ofSeconds(15));
        java.util.regex.Matcher found = java.util.regex.Pattern.compile("\"port\": (\\d+)").matcher(listening.text());
        if (found.find()) {
            backend.port = Integer.parseInt(found.group(1));
        }
        return backend;
    }

    /** The port an {@link #echoBackend} listens on (useful when it was started on port 0). */
    public int port() {
        return port;
    }

    /**
     * The first line not yet taken that matches, waiting up to {@code wait}; lines before it are
     * taken too.
     */
    public Line await(Predicate<String> matches, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Line line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                String output;
                synchronized (seen) {
                    output = String.join("\n", seen);
                }
                if (output.contains("No module named 'websockets'")) {
                    throw new AssertionError("Python's websockets package is missing: " + INSTALL);
                }
                throw new AssertionError("the Python peer printed no matching line within " + wait + " (alive: "
                        + process.isAlive() + "); its output:\n" + output);
            }
            if (matches.test(line.text())) {
                return line;
            }
        }
    }

    /**
     * Kills the process with SIGKILL (what {@link Process#destroyForcibly()} sends on Linux) and
     * waits until it is gone.
     *
     * @return when the kill was sent ({@link System#nanoTime()})
     */
    public long kill() throws InterruptedException {
        long at = System.nanoTime();
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Python peer " + process.pid() + " survived SIGKILL for 10 s");
        }
        return at;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        reader.join(5_000);
    }

    private void read() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String text = out.readLine(); text != null; text = out.readLine()) {
                long now = System.nanoTime();
                synchronized (seen) {
                    seen.add(text);
                }
                lines.add(new Line(text, now));
            }
        } catch (IOException e) {
            // The process is gone; what it printed is in the queue.
        }
    }
}
