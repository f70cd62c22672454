package org.wsproxy.it;

import java.io.ByteArrayOutputStream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A client-side listener that reassembles whole messages and records the close, for assertions
 * with bounded waits.
 */
final class RecordingListener implements WebSocket.Listener {

    /** A close as the client received it. */
    record Close(int code, String reason) {
    }

    /** Whole messages in arrival order: a String per text message, a byte[] per binary one. */
    private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    /** Completed by the close the client received, or exceptionally by an error. */
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    // The JDK calls a listener's methods one at a time, so only that thread touches these two.
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
        byte[] part = new byte[data.remaining()];
        data.get(part);
        binary.writeBytes(part);
        if (last) {
            messages.add(binary.toByteArray());
            binary.reset();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    String nextText(Duration wait) throws InterruptedException {
        return next(String.class, wait);
    }

    byte[] nextBinary(Duration wait) throws InterruptedException {
        return next(byte[].class, wait);
    }

    /** The close the client received, waiting up to {@code wait}. */
    Close close(Duration wait) throws InterruptedException {
        try {
            return closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the client received no close within " + wait, e);
        } catch (ExecutionException e) {
            throw new AssertionError("the client's connection failed instead of closing: " + e.getCause(), e.getCause());
        }
    }

    boolean isClosed() {
        return closed.isDone();
    }

    private <T> T next(Class<T> type, Duration wait) throws InterruptedException {
        Object message = messages.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            String state = closed.isDone() ? "; the connection ended: " + closed.handle((c, e) -> c != null ? c : e).join() : "";
            throw new AssertionError("expected a " + kind(type) + " message within " + wait + " but got none" + state);
        }
        if (!type.isInstance(message)) {
            throw new AssertionError("expected a " + kind(type) + " message but got a " + kind(message.getClass()) + " one");
        }
        return type.cast(message);
    }

    private static String kind(Class<?> type) {
        return type == String.class ? "text" : "binary";
    }
}
