package org.wsproxy.support;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLContext;

/**
 * A client built on the JDK's {@link java.net.http.WebSocket}, independent of Tomcat and Tyrus,
 * that records whole messages, pings and the close it receives.
 */
public final class WsClient implements AutoCloseable {

    /** One HttpClient for all test clients: it has its own selector thread. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A close as the client saw it. */
    public record Close(int code, String reason) {
    }

    private final WebSocket socket;
    private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private final BlockingQueue<ByteBuffer> pings = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    /** System.nanoTime() when the close (or the failure) arrived; written before {@link #closed} completes. */
    private volatile long closedAtNanos;

    private WsClient(URI uri, List<String> subprotocols, Map<String, String> headers) {
        this(HTTP, uri, subprotocols, headers);
    }

    private WsClient(HttpClient http, URI uri, List<String> subprotocols, Map<String, String> headers) {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(builder::header);
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(new String[0]));
        }
        try {
            socket = builder.buildAsync(uri, new Recorder()).get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                throw new Refused(refused.getResponse().statusCode(), refused.getResponse().headers().map());
            }
            throw new IllegalStateException("connect to " + uri + " failed", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("connect to " + uri + " failed", e);
        }
    }

    public static WsClient connect(URI uri) {
        return new WsClient(uri, List.of(), Map.of());
    }

    public static WsClient connect(URI uri, List<String> subprotocols, Map<String, String> headers) {
        return new WsClient(uri, subprotocols, headers);
    }

    /**
     * Connects to a wss:// URL trusting what {@code tls} trusts (the JDK client also checks the
     * certificate against the URL's host). The HttpClient is this connection's own; its selector
     * thread ends once the client is unreachable.
     */
    public static WsClient connect(URI uri, SSLContext tls) {
        return new WsClient(HttpClient.newBuilder().sslContext(tls).build(), uri, List.of(), Map.of());
    }

    /** The HTTP status of a refused handshake, or fails if the handshake succeeded. */
    public static int refusedStatus(URI uri, Map<String, String> headers) {
        try (WsClient client = new WsClient(uri, List.of(), headers)) {
            throw new AssertionError("handshake to " + uri + " succeeded; expected it to be refused");
        } catch (Refused refused) {
            return refused.status;
        }
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    public void sendText(String text) {
        join(socket.sendText(text, true));
    }

    public void sendBinary(byte[] data) {
        join(socket.sendBinary(ByteBuffer.wrap(data), true));
    }

    public void close(int code, String reason) {
        join(socket.sendClose(code, reason));
    }

    /** Ends the TCP connection without a close frame. */
    public void abort() {
        socket.abort();
    }

    public String nextText() throws InterruptedException {
        return (String) next();
    }

    public byte[] nextBinary() throws InterruptedException {
        return (byte[]) next();
    }

    private Object next() throws InterruptedException {
        Object message = messages.poll(10, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no message within 10 s");
        }
        return message;
    }

    /**
     * The next message, which must be text, waiting up to {@code wait} (for messages too large for
     * the 10 s of {@link #nextText()}); fails as soon as the connection has ended with none queued.
     */
    public String nextText(Duration wait) throws InterruptedException {
        return next(String.class, wait);
    }

    /** As {@link #nextText(Duration)}, for a binary message. */
    public byte[] nextBinary(Duration wait) throws InterruptedException {
        return next(byte[].class, wait);
    }

    private <T> T next(Class<T> type, Duration wait) throws InterruptedException {
        // Polled in slices, so that a connection that ended fails the wait at once, not at its end.
        long deadline = System.nanoTime() + wait.toNanos();
        Object message = null;
        while (message == null && !closed.isDone() && System.nanoTime() < deadline) {
            message = messages.poll(100, TimeUnit.MILLISECONDS);
        }
        if (message == null) {
            // The Recorder queues every message before it records the close.
            message = messages.poll();
        }
        if (message == null) {
            String ended = closed.isDone() ? "; the connection ended with " + closed.join() : "";
            throw new AssertionError("expected a " + kind(type) + " message within " + wait + " but got none" + ended);
        }
        if (!type.isInstance(message)) {
            throw new AssertionError("expected a " + kind(type) + " message but got a " + kind(message.getClass()) + " one");
        }
        return type.cast(message);
    }

    private static String kind(Class<?> type) {
        return type == String.class ? "text" : "binary";
    }

    /** The next ping payload, waiting up to {@code seconds}; null if none came. */
    public ByteBuffer nextPing(long seconds) throws InterruptedException {
        return pings.poll(seconds, TimeUnit.SECONDS);
    }

    /** The close the client received, waiting up to {@code seconds}. */
    public Close awaitClose(long seconds) throws Exception {
        try {
            return closed.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no close within " + seconds + " s");
        }
    }

    /** When the close arrived, as {@link System#nanoTime()}; call after {@link #awaitClose(long)}. */
    public long closedAtNanos() {
        if (!closed.isDone()) {
            throw new IllegalStateException("no close yet");
        }
        return closedAtNanos;
    }

    /** Closes politely (1000) if still open, waits up to a second for the answer, then drops the connection. */
    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            try {
                socket.sendClose(1000, "").get(1, TimeUnit.SECONDS);
                closed.get(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // Already gone: abort below.
            }
        }
        socket.abort();
    }

    private static void join(CompletableFuture<WebSocket> sent) {
        try {
            sent.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new CompletionException(e);
        }
    }

    /** A handshake answered with an HTTP status instead of 101. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final int status;
        public final Map<String, List<String>> headers;

        Refused(int status, Map<String, List<String>> headers) {
            super("handshake refused with HTTP " + status);
            this.status = status;
            this.headers = headers;
        }
    }

    private final class Recorder implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            pings.add(message);
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedAtNanos = System.nanoTime();
            closed.complete(new Close(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closedAtNanos = System.nanoTime();
            closed.complete(new Close(1006, String.valueOf(error)));
        }
    }
}
