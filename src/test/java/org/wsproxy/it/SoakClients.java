package org.wsproxy.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The soak's clients (the JDK's {@link WebSocket}, one shared {@link HttpClient}): a number of
 * connection slots, each connected through the proxy for one session after another until the
 * round's time is up. A session sends its planned messages ({@link SoakPlan}) with a pause between
 * them and at most {@link #WINDOW} not yet echoed, checks every echo ({@link SoakCheck}), then
 * closes (or waits for the backend's close, as planned) and the slot connects again.
 * <p>
 * Work runs on two small pools: the HttpClient's (receiving and checking) and {@link #driver}
 * (producing and sending message parts, and the pauses). Nothing blocks on either.
 */
final class SoakClients {

    /** Messages a session may have sent and not yet got back: a few, so that echoes and sends overlap. */
    static final int WINDOW = 3;
    /** Bytes per sent frame: a 1 MiB message goes out in 64 parts, so no client holds a whole one. */
    private static final int CHUNK_BYTES = 16 * 1024;
    /**
     * Handshakes in progress at once while the slots first connect: each holds one of the proxy's
     * 200 request threads while it opens its backend connection, and 2,000 at once would only queue
     * there (on 2 busy cores, 2,000 connect in about 15 s with 32, 64 or 128 at once).
     */
    private static final int RAMP_HANDSHAKES = 64;
    /** Longest a handshake may take: the proxy's own connectTimeout is 10 s. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    private final URI echo;
    private final int round;
    private final SoakPlan plan;
    private final SoakLedger ledger;
    /** Mean pause between two messages of a slot, in nanoseconds. */
    private final long meanPauseNanos;
    private final ExecutorService receivers;
    private final ScheduledExecutorService driver;
    private final HttpClient http;
    private final Slot[] slots;
    /** Counted down once per slot when it has ended its last session. */
    private final CountDownLatch finished;
    /** When the round's time is up; set by {@link #run}. */
    private volatile long endNanos;

    /**
     * @param echo        the proxy's echo route
     * @param messageRate the pace, in messages per second over all slots: each slot pauses
     *                    {@code connections / messageRate} seconds on average between its messages
     *                    (the rate is about this while the proxy keeps up, less when it does not)
     */
    SoakClients(URI echo, int round, int connections, double messageRate, SoakPlan plan, SoakLedger ledger) {
        this.echo = echo;
        this.round = round;
        this.plan = plan;
        this.ledger = ledger;
        this.meanPauseNanos = (long) (connections / messageRate * 1e9);
        this.receivers = Executors.newFixedThreadPool(2, daemons("soak-receiver-"));
        this.driver = Executors.newScheduledThreadPool(2, daemons("soak-driver-"));
        // Java 17's HttpClient cannot be closed: its selector thread ends once the client is unreachable.
        this.http = HttpClient.newBuilder().executor(receivers).connectTimeout(CONNECT_TIMEOUT).build();
        this.slots = new Slot[connections];
        for (int i = 0; i < connections; i++) {
            slots[i] = new Slot(i, new SplittableRandom(i * 31L + round));
        }
        this.finished = new CountDownLatch(connections);
    }

    /**
     * Connects every slot, runs them for {@code duration}, then lets each finish its session (no new
     * messages, the echoes of those sent, the close) within {@code drainLimit}.
     *
     * @return how long the drain took
     * @throws AssertionError naming the slots still busy after {@code drainLimit}
     */
    Duration run(Duration duration, Duration drainLimit) throws InterruptedException {
        endNanos = System.nanoTime() + duration.toNanos();
        Semaphore ramp = new Semaphore(RAMP_HANDSHAKES);
        long rampStart = System.nanoTime();
        for (Slot slot : slots) {
            ramp.acquire();
            slot.connect().whenComplete((ws, error) -> ramp.release());
        }
        System.out.println("soak: round " + round + ": " + slots.length + " connections opened in "
                + (System.nanoTime() - rampStart) / 1_000_000 + " ms");
        finished.await(endNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        long drainStart = System.nanoTime();
        for (Slot slot : slots) {
            slot.stop();
        }
        if (!finished.await(drainLimit.toNanos(), TimeUnit.NANOSECONDS)) {
            List<String> busy = new ArrayList<>();
            for (Slot slot : slots) {
                if (!slot.isFinished() && busy.size() < 10) {
                    busy.add(slot.toString());
                }
            }
            throw new AssertionError(finished.getCount() + " connections still busy " + drainLimit
                    + " after the end of the round (a hang, or lost messages); for example " + busy);
        }
        return Duration.ofNanos(System.nanoTime() - drainStart);
    }

    /** Stops the pools; after {@link #run}. */
    void shutdown() throws InterruptedException {
        driver.shutdownNow();
        receivers.shutdown();
        driver.awaitTermination(5, TimeUnit.SECONDS);
        receivers.awaitTermination(5, TimeUnit.SECONDS);
    }

    private boolean timeIsUp() {
        return System.nanoTime() - endNanos >= 0;
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * One connection slot. All mutable fields are guarded by {@code this}; sends are started under
     * it (the JDK's send methods do not block) and their completions come back on {@link #driver}.
     */
    private final class Slot implements WebSocket.Listener {
        private final int id;
        private final SplittableRandom pauses;

        private int connection = -1;
        private long key;
        private SoakPlan.Session planned;
        private WebSocket socket;
        private SoakCheck echoes;
        /** Messages begun (the one being sent included), and messages whose echo has arrived whole. */
        private int sent;
        private int echoed;
        /** A message is being sent, part by part. */
        private boolean sending;
        /** The next send waits for an echo: {@link #WINDOW} messages are out. */
        private boolean windowFull;
        private boolean closeSent;
        /** The round's time is up: no new messages, no new session. */
        private boolean stopped;
        private boolean finished;

        Slot(int id, SplittableRandom pauses) {
            this.id = id;
            this.pauses = pauses;
        }

        /** Opens the slot's next session. */
        synchronized CompletableFuture<WebSocket> connect() {
            connection++;
            key = SoakPlan.key(round, id, connection);
            planned = plan.session(key);
            echoes = new SoakCheck(plan, key);
            sent = 0;
            echoed = 0;
            sending = false;
            windowFull = false;
            closeSent = false;
            socket = null;
            URI uri = URI.create(echo + "?round=" + round + "&slot=" + id + "&connection=" + connection);
            long sessionKey = key;
            return http.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT).buildAsync(uri, this)
                    .whenComplete((ws, error) -> {
                        if (error != null) {
                            ledger.failure(SoakPlan.describe(sessionKey) + ": handshake failed: " + error);
                            finish();
                        }
                    });
        }

        @Override
        public synchronized void onOpen(WebSocket webSocket) {
            socket = webSocket;
            webSocket.request(1);
            if (stopped) {
                closeIfDone(); // opened after the round's end: close at once rather than after a pause
                return;
            }
            // The first message after a random part of a pause, so that the slots do not send in step.
            driver.schedule(this::sendNext, (long) (pauses.nextDouble() * meanPauseNanos), TimeUnit.NANOSECONDS);
        }

        private void sendNext() {
            Outgoing message;
            synchronized (this) {
                if (socket == null || sending || closeSent || finished) {
                    return;
                }
                if (stopped || sent == planned.messages()) {
                    closeIfDone();
                    return;
                }
                if (sent - echoed >= WINDOW) {
                    windowFull = true;
                    return;
                }
                sending = true;
                message = new Outgoing(socket, key, sent);
                // Counted now: its echo may begin to arrive before its last part is reported sent.
                sent++;
            }
            message.sendPart();
        }

        private void sent(WebSocket on) {
            synchronized (this) {
                if (socket != on) {
                    return; // the session ended while its last part was reported (the backend closed at once)
                }
                sending = false;
                if (!stopped && sent < planned.messages()) {
                    // Exponential pauses (a Poisson stream per slot), capped so that no slot idles for long.
                    double pause = Math.min(4.0, -Math.log(1.0 - pauses.nextDouble())) * meanPauseNanos;
                    driver.schedule(this::sendNext, (long) pause, TimeUnit.NANOSECONDS);
                    return;
                }
                closeIfDone();
            }
        }

        /** Holds the lock. Closes once every message sent has come back, unless the plan leaves the close to the backend. */
        private void closeIfDone() {
            if (socket == null || sending || closeSent || echoed < sent || !(stopped || sent == planned.messages())) {
                return;
            }
            if (sent == planned.messages() && planned.backendCloses()) {
                return;
            }
            closeSent = true;
            long sessionKey = key;
            socket.sendClose(planned.code(), planned.reason()).whenComplete((ws, error) -> {
                if (error != null) {
                    ledger.failure(SoakPlan.describe(sessionKey) + ": sending the close failed: " + error);
                }
            });
        }

        /** The round's time is up. */
        void stop() {
            synchronized (this) {
                stopped = true;
                closeIfDone();
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            synchronized (this) {
                if (echoes.text(data, last)) {
                    echoed();
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            synchronized (this) {
                if (echoes.binary(data, last)) {
                    echoed();
                }
            }
            webSocket.request(1);
            return null;
        }

        /** Holds the lock. */
        private void echoed() {
            echoed++;
            if (windowFull) {
                windowFull = false;
                driver.execute(this::sendNext);
            }
            closeIfDone();
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            String problem = null;
            synchronized (this) {
                if (closeSent) {
                    if (statusCode != planned.code()) {
                        problem = "closed with " + planned.code() + ", answered with " + statusCode + " [" + reason + "]";
                    }
                } else if (!planned.backendCloses() || sent != planned.messages() || echoed != sent) {
                    problem = "unexpected close " + statusCode + " [" + reason + "]";
                } else if (statusCode != planned.code() || !planned.reason().equals(reason)) {
                    problem = "the backend closed with " + planned.code() + " [" + planned.reason() + "], the client got "
                            + statusCode + " [" + reason + "]";
                }
                if (echoes.inMessage()) {
                    problem = "closed in the middle of an echo";
                }
            }
            endSession(problem, webSocket);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            endSession(String.valueOf(error), webSocket);
        }

        /**
         * The session is over (closed, failed, or a send failed): counts it once, then connects
         * again unless the round's time is up or something went wrong (which the failure reports).
         */
        private void endSession(String problem, WebSocket webSocket) {
            boolean again;
            synchronized (this) {
                if (socket != webSocket) {
                    return; // already ended
                }
                socket = null;
                if (problem != null) {
                    ledger.failure(SoakPlan.describe(key) + ": " + problem + " (" + sent + " of " + planned.messages()
                            + " messages sent, " + echoed + " echoed)");
                }
                ledger.clientEnded(key, sent, echoes, !closeSent);
                again = problem == null && !stopped && !timeIsUp();
            }
            if (problem != null) {
                webSocket.abort();
            }
            if (again) {
                driver.execute(this::connect);
            } else {
                finish();
            }
        }

        private synchronized void finish() {
            if (!finished) {
                finished = true;
                SoakClients.this.finished.countDown();
            }
        }

        synchronized boolean isFinished() {
            return finished;
        }

        @Override
        public synchronized String toString() {
            return SoakPlan.describe(key) + " [" + planned + ", sent " + sent + ", echoed " + echoed + ", sending " + sending
                    + ", close sent " + closeSent + ", open " + (socket != null) + "]";
        }

        /** One message on its way out, part by part; each part is sent when the previous one has been. */
        private final class Outgoing {
            private final WebSocket socket;
            private final long key;
            private final SoakPlan.Parts parts;
            private final byte[] buffer = new byte[CHUNK_BYTES];

            Outgoing(WebSocket socket, long key, int seq) {
                this.socket = socket;
                this.key = key;
                this.parts = plan.parts(key, seq);
            }

            void sendPart() {
                int length = parts.next(buffer);
                boolean last = parts.done();
                CompletableFuture<WebSocket> part = parts.text()
                        ? socket.sendText(new String(buffer, 0, length, StandardCharsets.UTF_8), last)
                        : socket.sendBinary(ByteBuffer.wrap(buffer, 0, length), last);
                part.whenCompleteAsync((ws, error) -> {
                    if (error != null) {
                        endSession("sending failed: " + error, socket);
                    } else if (last) {
                        sent(socket);
                    } else {
                        sendPart();
                    }
                }, driver);
            }
        }
    }
}
