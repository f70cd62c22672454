package org.wsproxy.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol (its WebSocket, with the JDK's
 * client): open a page, evaluate JavaScript in it, take a screenshot. One browser per instance,
 * with a fresh profile in a temporary folder; {@link #close()} ends the browser and its children
 * and removes the folder.
 * <p>
 * The flags keep the browser off the network but for the page it is given: this machine's network
 * is closed, and Chromium's background services would otherwise try (and fail) to reach Google.
 */
public final class HeadlessChromium implements AutoCloseable {

    /** Where Debian's chromium package puts the browser; ./test.sh installs it. */
    public static final Path BINARY = Path.of("/usr/bin/chromium");

    /** How long the browser may take to start and to answer one command, on a busy 2-core machine. */
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration COMMAND = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final Path log;
    private final WebSocket socket;
    /** The page's session (flattened protocol): every page command carries it. */
    private final String session;
    private final AtomicInteger ids = new AtomicInteger();
    /** Answers awaited, by command id; completed on the WebSocket's listener thread. */
    private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    /** Uncaught exceptions and console errors of the page, as they arrive. */
    private final List<String> errors = new CopyOnWriteArrayList<>();

    private HeadlessChromium(Process process, Path profile, Path log, URI browser, int width, int height) throws Exception {
        this.process = process;
        this.profile = profile;
        this.log = log;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(COMMAND)
                .buildAsync(browser, new Listener()).get(COMMAND.toSeconds(), TimeUnit.SECONDS);
        String target = (String) call(null, "Target.createTarget", "{\"url\":\"about:blank\"}").get("targetId");
        this.session = (String) call(null, "Target.attachToTarget",
                "{\"targetId\":\"" + target + "\",\"flatten\":true}").get("sessionId");
        call("Runtime.enable", "{}");
        call("Log.enable", "{}");
        call("Page.enable", "{}");
        call("Emulation.setDeviceMetricsOverride", "{\"width\":" + width + ",\"height\":" + height
                + ",\"deviceScaleFactor\":1,\"mobile\":false}");
    }

    /**
     * Starts the browser with a viewport of {@code width} × {@code height} CSS pixels.
     *
     * @throws IllegalStateException when Chromium is not installed, saying how to install it
     */
    public static HeadlessChromium start(int width, int height) throws Exception {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: the status page test needs Debian's chromium package"
                    + " (apt-get install -y chromium; ./test.sh installs it)");
        }
        Path profile = Files.createTempDirectory("wsproxy-chromium");
        Path log = Files.createTempFile("wsproxy-chromium", ".log");
        Process process = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "--window-size=" + width + "," + height,
                "about:blank")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            return new HeadlessChromium(process, profile, log, browserEndpoint(process, profile, log), width, height);
        } catch (Exception | Error e) {
            stop(process);
            delete(profile);
            throw e;
        }
    }

    /** Chromium writes its port and the browser's path to DevToolsActivePort once it listens. */
    private static URI browserEndpoint(Process process, Path profile, Path log) throws IOException, InterruptedException {
        Path file = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("chromium exited with " + process.exitValue() + ": " + tail(log));
            }
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (lines.size() >= 2) {
                    return URI.create("ws://127.0.0.1:" + lines.get(0).strip() + lines.get(1).strip());
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("chromium did not open its DevTools port within " + STARTUP + ": " + tail(log));
    }

    /** Loads {@code url} in the page (returns once the navigation is under way). */
    public void navigate(URI url) throws Exception {
        Map<String, Object> result = call("Page.navigate", "{\"url\":" + quote(url.toString()) + "}");
        if (result.get("errorText") != null) {
            throw new IllegalStateException("navigating to " + url + " failed: " + result.get("errorText"));
        }
    }

    /**
     * The value of a JavaScript expression in the page (awaited if it is a promise): a String,
     * Boolean, Long, Double, List or Map, or null.
     */
    public Object evaluate(String expression) throws Exception {
        Map<String, Object> result = call("Runtime.evaluate", "{\"expression\":" + quote(expression)
                + ",\"returnByValue\":true,\"awaitPromise\":true}");
        if (result.get("exceptionDetails") != null) {
            throw new IllegalStateException("evaluating [" + expression + "] threw: " + result.get("exceptionDetails"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> value = (Map<String, Object>) result.get("result");
        return value.get("value");
    }

    /**
     * Evaluates {@code expression} every 100 ms until it is true, for at most {@code limit}. While
     * the page is still loading the expression may throw (no body yet); that counts as not true.
     *
     * @throws AssertionError naming the expression and {@code what}'s value when it never is
     */
    public void awaitTrue(String expression, Duration limit, String what) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        String guarded = "(() => { try { return (" + expression + ") === true; } catch (e) { return false; } })()";
        while (!Boolean.TRUE.equals(evaluate(guarded))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + limit + ": " + expression + "; " + evaluate(what));
            }
            Thread.sleep(100);
        }
    }

    /** A PNG of the whole page (not only the viewport). */
    public byte[] screenshot() throws Exception {
        Map<String, Object> result = call("Page.captureScreenshot", "{\"format\":\"png\",\"captureBeyondViewport\":true}");
        return Base64.getDecoder().decode((String) result.get("data"));
    }

    /** The page's uncaught exceptions and console errors so far. */
    public List<String> errors() {
        return new ArrayList<>(errors);
    }

    private Map<String, Object> call(String method, String params) throws Exception {
        return call(session, method, params);
    }

    private Map<String, Object> call(String sessionId, String method, String params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
        pending.put(id, answer);
        String message = "{\"id\":" + id + (sessionId == null ? "" : ",\"sessionId\":" + quote(sessionId))
                + ",\"method\":" + quote(method) + ",\"params\":" + params + "}";
        socket.sendText(message, true).get(COMMAND.toSeconds(), TimeUnit.SECONDS);
        Map<String, Object> reply;
        try {
            reply = answer.get(COMMAND.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(method + " got no answer within " + COMMAND + ": " + tail(log), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(method + " failed", e.getCause());
        } finally {
            pending.remove(id);
        }
        if (reply.get("error") != null) {
            throw new IllegalStateException(method + " failed: " + reply.get("error"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) reply.get("result");
        return result;
    }

    private final class Listener implements WebSocket.Listener {
        /** Parts of the message being received; only the WebSocket's delivery thread touches it. */
        private final StringBuilder parts = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                received(MiniJson.object(parts.toString()));
                parts.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            failAll(new IllegalStateException("DevTools connection closed: " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            failAll(error);
        }
    }

    @SuppressWarnings("unchecked")
    private void received(Map<String, Object> message) {
        Object id = message.get("id");
        if (id != null) {
            CompletableFuture<Map<String, Object>> answer = pending.get(((Long) id).intValue());
            if (answer != null) {
                answer.complete(message);
            }
            return;
        }
        Object method = message.get("method");
        Map<String, Object> params = (Map<String, Object>) message.get("params");
        if ("Runtime.exceptionThrown".equals(method)) {
            errors.add("exception: " + params.get("exceptionDetails"));
        } else if ("Log.entryAdded".equals(method)) {
            Map<String, Object> entry = (Map<String, Object>) params.get("entry");
            if ("error".equals(entry.get("level"))) {
                errors.add("log: " + entry.get("text") + " " + entry.getOrDefault("url", ""));
            }
        }
    }

    private void failAll(Throwable error) {
        pending.values().forEach(answer -> answer.completeExceptionally(error));
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        try {
            socket.abort();
        } finally {
            stop(process);
            delete(profile);
            try {
                Files.deleteIfExists(log);
            } catch (IOException e) {
                // A leftover log in the temp folder is not worth failing a test for.
            }
        }
    }

    /** Ends the browser and every process it started (renderer, GPU, zygote), by their ids. */
    private static void stop(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static void delete(Path folder) {
        try (var paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Chromium may still be writing its profile as it exits; a leftover temp folder is harmless.
        }
    }
}
