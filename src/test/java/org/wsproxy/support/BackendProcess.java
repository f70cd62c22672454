package org.wsproxy.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link TestBackend} in a JVM of its own on 127.0.0.1, so that a test can kill it with SIGKILL
 * as a crash or the OOM killer would: the kernel, not the backend, ends its connections.
 * <p>
 * The child exits by itself when its standard input ends, so that it does not outlive a test JVM
 * that dies before {@link #close()}.
 */
public final class BackendProcess implements AutoCloseable {

    /** How long a child JVM may take to start Tomcat and say which port it listens on. */
    private static final long START_SECONDS = 30;

    private final Process process;
    private final int port;

    private BackendProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a backend on {@code port}, 0 for a free one. */
    public static BackendProcess start(int port) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                BackendProcess.class.getName(), Integer.toString(port)));
        File log = new File("target/backend-process.log");
        builder.redirectError(ProcessBuilder.Redirect.appendTo(log));
        Process process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        try {
            String line = ready.get(START_SECONDS, TimeUnit.SECONDS);
            if (line == null || !line.startsWith("listening ")) {
                throw new IllegalStateException("backend process did not start (said [" + line + "]); see " + log.getAbsolutePath());
            }
            return new BackendProcess(process, Integer.parseInt(line.substring("listening ".length())));
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            process.destroyForcibly();
            throw new IllegalStateException("backend process did not start within " + START_SECONDS + " s; see "
                    + log.getAbsolutePath(), e);
        }
    }

    public int port() {
        return port;
    }

    /**
     * Kills the backend with SIGKILL (what {@link Process#destroyForcibly()} sends on Linux) and
     * waits until it is gone.
     */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("backend process " + process.pid() + " survived SIGKILL for 10 s");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    /** The child: starts the backend, prints "listening &lt;port&gt;", runs until stdin ends. */
    public static void main(String[] args) throws IOException {
        TestBackend backend = TestBackend.start(Integer.parseInt(args[0]));
        System.out.println("listening " + backend.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // Wait for the parent to go away.
        }
        backend.close();
        System.exit(0);
    }
}
