package org.wsproxy.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.wsproxy.support.WsClient;

/**
 * Many WebSocket clients (the JDK's) on one echo route, each with a small text message in flight
 * most of the time: every {@link #SEND_PERIOD}, a sender thread sends the next message on each
 * connection whose last one has come back, and each echo is checked. Records the close every
 * connection gets.
 */
final class EchoLoad implements AutoCloseable {

    /**
     * How often the senders go round the connections. With 200 connections that is at most 10,000
     * messages a second each way: load, without starving the container of the CPU it needs to
     * undeploy on a 2-core machine.
     */
    static final Duration SEND_PERIOD = Duration.ofMillis(20);
    /** Sender threads, each with its share of the connections. */
    private static final int SENDERS = 2;

    /** One HttpClient for all connections: one selector thread. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<Connection> connections;
    private final ScheduledExecutorService senders;
    /** Echoes that were not what their connection sent, and sends that failed at once. */
    private final ConcurrentLinkedQueue<String> problems;

    private EchoLoad(List<Connection> connections, ConcurrentLinkedQueue<String> problems) {
        this.connections = connections;
        this.problems = problems;
        this.senders = Executors.newScheduledThreadPool(SENDERS, runnable -> {
            Thread thread = new Thread(runnable, "echo-load-sender");
            thread.setDaemon(true);
            return thread;
        });
        for (int s = 0; s < SENDERS; s++) {
            List<Connection> share = new ArrayList<>();
            for (int i = s; i < connections.size(); i += SENDERS) {
                share.add(connections.get(i));
            }
            senders.scheduleAtFixedRate(() -> share.forEach(Connection::sendNextIfIdle), 0, SEND_PERIOD.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Opens {@code count} connections to {@code uri} at once and starts sending; each handshake must finish within {@code wait}. */
    static EchoLoad open(URI uri, int count, Duration wait) throws InterruptedException {
        List<Connection> connections = new ArrayList<>();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<WebSocket>> handshakes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Connection connection = new Connection(i, problems);
            connections.add(connection);
            handshakes.add(HTTP.newWebSocketBuilder().connectTimeout(wait).buildAsync(uri, connection));
        }
        long deadline = System.nanoTime() + wait.toNanos();
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try {
                connections.get(i).socket = handshakes.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                failed.add("connection " + i + ": " + e);
            }
        }
        if (!failed.isEmpty()) {
            connections.stream().filter(c -> c.socket != null).forEach(c -> c.socket.abort());
            handshakes.forEach(h -> h.thenAccept(WebSocket::abort));
            throw new AssertionError(failed.size() + " of " + count + " handshakes to " + uri + " failed within " + wait + ": "
                    + failed.subList(0, Math.min(5, failed.size())));
        }
        return new EchoLoad(connections, problems);
    }

    /**
     * Waits until every connection has had {@code echoes} more echoes than when this was called, so
     * that messages are known to flow on all of them.
     */
    void awaitEchoesOnAll(int echoes, Duration wait) throws InterruptedException {
        long[] start = connections.stream().mapToLong(c -> c.echoed.get()).toArray();
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            int behind = 0;
            for (int i = 0; i < start.length; i++) {
                if (connections.get(i).echoed.get() - start[i] < echoes) {
                    behind++;
                }
            }
            if (behind == 0) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                throw new AssertionError(behind + " of " + start.length + " connections had fewer than " + echoes
                        + " echoes within " + wait + "; problems: " + problems());
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    /**
     * The close each connection got, waiting up to {@code wait} in all: code 1006 for a connection
     * that failed or dropped without a close frame, -1 for one that got nothing in time.
     */
    List<WsClient.Close> awaitCloses(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<WsClient.Close> closes = new ArrayList<>();
        for (Connection connection : connections) {
            try {
                closes.add(connection.closed.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                closes.add(new WsClient.Close(-1, "no close within " + wait));
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
        return closes;
    }

    /** Messages sent in all, so far. */
    long sent() {
        return connections.stream().mapToLong(c -> c.sent.get()).sum();
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    /** Stops sending and drops any connection still open. */
    @Override
    public void close() throws InterruptedException {
        senders.shutdownNow();
        senders.awaitTermination(5, TimeUnit.SECONDS);
        for (Connection connection : connections) {
            if (connection.socket != null) {
                connection.socket.abort();
            }
        }
    }

    /** One client connection: at most one message in flight, each echo checked against what was sent. */
    private static final class Connection implements WebSocket.Listener {
        private final int index;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong echoed = new AtomicLong();
        final CompletableFuture<WsClient.Close> closed = new CompletableFuture<>();
        /** Set once the handshake is done, before the senders start. */
        volatile WebSocket socket;
        /** The text parts of the message being received; owned by the listener's thread. */
        private final StringBuilder parts = new StringBuilder();

        /** Where wrong echoes and failed sends are reported. */
        private final ConcurrentLinkedQueue<String> problems;

        Connection(int index, ConcurrentLinkedQueue<String> problems) {
            this.index = index;
            this.problems = problems;
        }

        /** On a sender thread: sends message number {@code sent} once message {@code sent - 1} is back. */
        void sendNextIfIdle() {
            if (closed.isDone() || echoed.get() != sent.get()) {
                return;
            }
            String text = message(sent.get());
            sent.incrementAndGet();
            // A send that fails later leaves this connection without echoes (awaitEchoesOnAll
            // reports it) or ends it (its close code shows it). One that throws at once is recorded
            // here: thrown out of the sender's task, it would silently stop every later round.
            try {
                socket.sendText(text, true);
            } catch (RuntimeException e) {
                problems.add("connection " + index + ": sending [" + text + "] failed: " + e);
            }
        }

        private String message(long number) {
            return index + ":" + number;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                String expected = message(echoed.get());
                if (!expected.contentEquals(parts)) {
                    problems.add("connection " + index + ": expected the echo [" + expected + "], got [" + parts + "]");
                }
                parts.setLength(0);
                echoed.incrementAndGet();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new WsClient.Close(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new WsClient.Close(1006, String.valueOf(error)));
        }
    }
}
