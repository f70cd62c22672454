package org.wsproxy.relay;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

/**
 * One client session paired with one backend session.
 * <p>
 * Life of a relay: the backend leg opens first, during the client's handshake ({@link State#CONNECTING});
 * the client leg opens once the container has sent its 101 ({@link State#OPEN}); the first close
 * seen on either leg is forwarded to the other ({@link State#CLOSING}); when both legs have closed,
 * the relay is done ({@link State#CLOSED}) and tells its {@link RelayListener}.
 * <p>
 * Locking: state changes happen under {@code this}; sends and closes run after the lock is
 * released, because they may block on a slow peer. Message delivery itself takes no lock: it reads
 * the volatile {@link #state} and the sender of the other leg, and counts what it passed on in the
 * {@link Traffic} of its direction.
 * <p>
 * When both legs have closed, a relay whose client leg opened writes its line to the
 * {@link AccessLog}.
 */
public final class Relay {

    /** States of the pair; see the class comment. */
    public enum State { CONNECTING, OPEN, CLOSING, CLOSED }

    private static final Logger LOG = System.getLogger(Relay.class.getName());
    private static final AtomicLong IDS = new AtomicLong();

    private final String id;
    private final ConnectionInfo connection;
    /** When the client's handshake reached wsproxy: wall clock for the log, monotonic for the duration. */
    private final Instant started = Instant.now();
    private final long startedNanos = System.nanoTime();
    /** Client to backend, counted by the client leg's delivery thread. */
    private final Traffic in;
    /** Backend to client, counted by the backend leg's delivery thread. */
    private final Traffic out;
    private final Settings settings;
    private final RelayTimer timer;
    private final RelayListener listener;
    private final Forwarder clientToBackend;
    private final Forwarder backendToClient;

    /** Counted down once the client leg is open, or when the relay ends without one. */
    private final CountDownLatch clientReady = new CountDownLatch(1);

    /** Written under {@code this}; read without a lock on the delivery path. */
    private volatile State state = State.CONNECTING;
    /** Set once, under {@code this}, before {@link #clientReady} opens; read by backend delivery after it. */
    private volatile SessionSender client;
    /** Set once, under {@code this}, when the backend leg opens (before the client leg can open). */
    private volatile SessionSender backend;

    /** Guarded by {@code this}: which legs have reported their close. */
    private boolean clientClosed;
    private boolean backendClosed;
    /** Guarded by {@code this}: the leg whose close (or failure) started the end of the relay. */
    private Side closedFirst;
    /** Guarded by {@code this}: the close each leg reported, null until it did. */
    private CloseReason clientClose;
    private CloseReason backendClose;
    /** Guarded by {@code this}: what to tell a client that opens after its backend already closed. */
    private CloseReason pendingClientClose;
    /** Guarded by {@code this}: the next idle or ping check, or the handoff expiry. */
    private ScheduledFuture<?> timerTask;

    /** Last time a data message part was seen in either direction; written on delivery threads. */
    private volatile long lastMessageNanos = System.nanoTime();
    /** Last time any frame (data or pong) was seen from each leg; written on delivery threads. */
    private volatile long lastHeardClient = System.nanoTime();
    private volatile long lastHeardBackend = System.nanoTime();
    /**
     * When the oldest probe still unanswered went out to each leg (a ping, or a write in progress:
     * see {@link SessionSender#probe()}), 0 if none is waiting; owned by the running check (one at
     * a time, as each schedules the next). A leg is taken as gone when this probe is two intervals
     * old: one interval alone is too tight, as a GC pause or a busy peer can delay a pong by that much.
     */
    private long pingSentClient;
    private long pingSentBackend;
    /** When the next ping is due; owned by the running check. */
    private long nextPingNanos;

    /**
     * The limits a relay enforces, from the route's configuration.
     *
     * @param idleTimeout    close both legs after this long without a message; ZERO for never
     * @param pingInterval   ping both legs this often; ZERO for never
     * @param maxMessageSize largest message passed on, in bytes; 0 for unlimited
     * @param handoffTimeout how long the backend leg waits for the client leg to open
     */
    public record Settings(Duration idleTimeout, Duration pingInterval, long maxMessageSize, Duration handoffTimeout) {
    }

    /**
     * @param inTotals  what the client-to-backend traffic also adds to (its backend's totals)
     * @param outTotals what the backend-to-client traffic also adds to
     */
    public Relay(ConnectionInfo connection, Settings settings, RelayTimer timer, TrafficTotals inTotals,
                 TrafficTotals outTotals, RelayListener listener) {
        this.id = connection.route() + "#" + IDS.incrementAndGet();
        this.connection = connection;
        this.in = new Traffic(inTotals);
        this.out = new Traffic(outTotals);
        this.settings = settings;
        this.timer = timer;
        this.listener = listener;
        this.clientToBackend = new Forwarder(this, Side.CLIENT, settings.maxMessageSize(), in);
        this.backendToClient = new Forwarder(this, Side.BACKEND, settings.maxMessageSize(), out);
    }

    public String id() {
        return id;
    }

    public String routeName() {
        return connection.route();
    }

    public ConnectionInfo connection() {
        return connection;
    }

    /** When the client's handshake reached wsproxy. */
    public Instant started() {
        return started;
    }

    /** Messages and bytes passed on from {@code from} to the other leg so far. */
    public Traffic traffic(Side from) {
        return from == Side.CLIENT ? in : out;
    }

    public State state() {
        return state;
    }

    /**
     * The backend leg opened. Called by the backend client during the client's handshake, before
     * the client has its 101. Messages the backend sends from now on wait in
     * {@link #senderTowards(Side)} until the client leg opens.
     *
     * @param afterBackendWrite run on the writing thread after each write to the backend: the
     *                          backend client may leave per-thread state behind (see backend.GrizzlyThreadLocals)
     */
    public void backendOpened(Session session, Runnable afterBackendWrite) {
        SessionSender sender = new SessionSender(session, Side.BACKEND, afterBackendWrite);
        synchronized (this) {
            if (state != State.CLOSED) {
                backend = sender;
                timerTask = timer.schedule(this::expireHandoff, settings.handoffTimeout().toMillis(), TimeUnit.MILLISECONDS);
                sender = null;
            }
        }
        if (sender != null) {
            // The backend answered after connectTimeout: its client got a 504 and the relay was
            // released. The backend client opens the session all the same; nobody would close it.
            LOG.log(Level.DEBUG, () -> "relay [" + id + "]: the backend answered after its client was refused; closing it");
            close(sender, CloseCodes.reason(CloseCodes.GOING_AWAY, "client gone"));
            return;
        }
        backendToClient.register(session);
    }

    /** The client leg opened: the container has upgraded the connection. */
    public void clientOpened(Session session) {
        SessionSender sender = new SessionSender(session, Side.CLIENT, () -> { });
        clientToBackend.register(session);
        CloseReason closeNow;
        synchronized (this) {
            client = sender;
            cancelTimer();
            if (state == State.CONNECTING) {
                state = State.OPEN;
                closeNow = null;
                scheduleNextCheck(System.nanoTime());
            } else {
                closeNow = pendingClientClose != null ? pendingClientClose : CloseCodes.reason(CloseCodes.GOING_AWAY, "proxy closing");
            }
        }
        clientReady.countDown();
        if (closeNow != null) {
            close(sender, closeNow);
        }
    }

    /**
     * The sender of leg {@code to}, waiting for the client leg to open if needed.
     *
     * @return null when the relay is closing: the message is dropped, as the legs are going away
     */
    SessionSender senderTowards(Side to) {
        if (to == Side.CLIENT && client == null) {
            try {
                if (!clientReady.await(settings.handoffTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    return null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        if (state != State.OPEN) {
            return null;
        }
        return to == Side.CLIENT ? client : backend;
    }

    /** A data message part arrived from {@code from}. */
    void messageFrom(Side from) {
        long now = System.nanoTime();
        lastMessageNanos = now;
        heardAt(from, now);
    }

    /** A pong arrived from {@code from}. */
    void heard(Side from) {
        heardAt(from, System.nanoTime());
    }

    private void heardAt(Side from, long now) {
        if (from == Side.CLIENT) {
            lastHeardClient = now;
        } else {
            lastHeardBackend = now;
        }
    }

    /** A leg reported its close (a close frame, or 1006 when the connection dropped). */
    public void closed(Side side, CloseReason reason) {
        SessionSender toClose = null;
        CloseReason forward = null;
        boolean done;
        synchronized (this) {
            if (side == Side.CLIENT) {
                if (clientClosed) {
                    return;
                }
                clientClosed = true;
                clientClose = reason;
            } else {
                if (backendClosed) {
                    return;
                }
                backendClosed = true;
                backendClose = reason;
            }
            switch (state) {
                case CONNECTING -> {
                    // Only the backend can close before the client opens: keep its close for the client.
                    state = State.CLOSING;
                    closedFirst = side;
                    pendingClientClose = CloseCodes.forward(reason, side);
                }
                case OPEN -> {
                    state = State.CLOSING;
                    closedFirst = side;
                    forward = CloseCodes.forward(reason, side);
                    toClose = side == Side.CLIENT ? backend : client;
                    cancelTimer();
                }
                default -> {
                    // CLOSING: this is the other leg answering, or a leg we closed ourselves.
                }
            }
            done = finishIfBothClosed();
        }
        LOG.log(Level.DEBUG, () -> "relay [" + id + "]: " + side.label() + " closed with [" + CloseCodes.code(reason)
                + "] [" + phrase(reason) + "]");
        if (toClose != null) {
            close(toClose, forward);
        }
        if (done) {
            finished();
        }
    }

    /** A leg reported an error; the container reports the close separately unless the session is gone. */
    public void failed(Side side, Throwable error, Session session) {
        LOG.log(Level.DEBUG, () -> "relay [" + id + "]: " + side.label() + " failed: " + error);
        if (!session.isOpen()) {
            closed(side, CloseCodes.reason(CloseCodes.ABNORMAL, ""));
        }
    }

    /**
     * Sending to leg {@code to} failed: treat that leg as gone, unless its session refused the send
     * because it is already closing. Tomcat and Tyrus refuse with an IllegalStateException once a
     * session's close has begun (a protocol error they detected, or a close frame), and report that
     * close through {@link #closed} shortly after; it is forwarded from there. Taking the leg for gone
     * instead would tell the other leg 1001 or 1014 rather than the code the leg closed with: a
     * client's invalid UTF-8 (1007) reached the backend as 1001 whenever a backend message was on
     * its way to the client at that moment. (Session.isOpen() cannot tell: it may still say true
     * at that point.) Other refusals cannot happen, as {@link SessionSender} never sends concurrently.
     */
    void sendFailed(Side to, Exception error) {
        LOG.log(Level.DEBUG, () -> "relay [" + id + "]: sending to " + to.label() + " failed: " + error);
        if (error instanceof IllegalStateException) {
            return;
        }
        abort(to, CloseCodes.vanished(to));
    }

    /** A message from {@code from} grew past maxMessageSize. */
    void tooBig(Side from, long bytes) {
        LOG.log(Level.INFO, () -> "relay [" + id + "]: message from " + from.label() + " exceeded maxMessageSize ["
                + settings.maxMessageSize() + "] bytes at [" + bytes + "] bytes; closing both sides with 1009");
        closeBoth(CloseCodes.reason(CloseCodes.TOO_BIG, "message too big"));
    }

    /** Closes both legs with the same reason (idle timeout, message too big, application stopping). */
    public void closeBoth(CloseReason reason) {
        SessionSender c;
        SessionSender b;
        boolean done;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            if (state == State.CONNECTING) {
                pendingClientClose = reason;
            }
            state = State.CLOSING;
            cancelTimer();
            c = clientClosed ? null : client;
            b = backendClosed ? null : backend;
            done = finishIfBothClosed();
        }
        clientReady.countDown();
        if (c != null) {
            close(c, reason);
        }
        if (b != null) {
            close(b, reason);
        }
        if (done) {
            finished();
        }
    }

    /** Leg {@code gone} is unusable: close it as best we can and tell the other leg {@code forward}. */
    private void abort(Side gone, CloseReason forward) {
        SessionSender goneSender;
        SessionSender other;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            if (closedFirst == null) {
                closedFirst = gone;
            }
            state = State.CLOSING;
            cancelTimer();
            goneSender = gone == Side.CLIENT ? client : backend;
            other = gone == Side.CLIENT ? (backendClosed ? null : backend) : (clientClosed ? null : client);
        }
        clientReady.countDown();
        if (other != null) {
            close(other, forward);
        }
        if (goneSender != null) {
            close(goneSender, CloseCodes.reason(CloseCodes.GOING_AWAY, ""));
        }
    }

    /** The client never opened after its backend did: release the backend. */
    private void expireHandoff() {
        SessionSender b;
        boolean done;
        synchronized (this) {
            if (client != null || state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            clientClosed = true;
            b = backendClosed ? null : backend;
            backendClosed = true;
            done = true;
        }
        clientReady.countDown();
        LOG.log(Level.DEBUG, () -> "relay [" + id + "]: client leg never opened; closing the backend leg");
        if (b != null) {
            close(b, CloseCodes.reason(CloseCodes.GOING_AWAY, "client did not complete its handshake"));
        }
        if (done) {
            finished();
        }
    }

    /** Releases the relay if the handshake was given up before the client leg could open. */
    public void abandon() {
        expireHandoff();
    }

    /**
     * Both legs have closed: the access log, then the listener. Runs once, on the thread that saw
     * the last close, after the lock is released.
     */
    private void finished() {
        ClosedConnection closed = closedConnection();
        if (closed != null) {
            AccessLog.log(closed);
        }
        listener.relayClosed(this, closed);
    }

    /** @return what this relay did, null if its client leg never opened (the handshake's own log covers it) */
    private ClosedConnection closedConnection() {
        long durationNanos = System.nanoTime() - startedNanos;
        CloseReason c;
        CloseReason b;
        Side first;
        synchronized (this) {
            if (client == null) {
                return null;
            }
            c = clientClose;
            b = backendClose;
            first = closedFirst;
        }
        return new ClosedConnection(connection, started, Duration.ofNanos(durationNanos),
                in.messages(), in.bytes(), out.messages(), out.bytes(),
                code(c), phrase(c), code(b), phrase(b), first);
    }

    /**
     * Once the client leg opened, both legs report their close before the relay finishes; a leg
     * without one would be logged as dropped (1006) rather than fail the log line.
     */
    private static int code(CloseReason reason) {
        return CloseCodes.code(reason);
    }

    private static String phrase(CloseReason reason) {
        return reason == null || reason.getReasonPhrase() == null ? "" : reason.getReasonPhrase();
    }

    /** Must hold {@code this}. */
    private boolean finishIfBothClosed() {
        if (clientClosed && backendClosed && state != State.CLOSED) {
            state = State.CLOSED;
            cancelTimer();
            return true;
        }
        return false;
    }

    /** Must hold {@code this}. */
    private void cancelTimer() {
        if (timerTask != null) {
            timerTask.cancel(false);
            timerTask = null;
        }
    }

    /** Must hold {@code this}. Schedules the next idle or ping check, if either is on. */
    private void scheduleNextCheck(long now) {
        long idle = settings.idleTimeout().toNanos();
        long ping = settings.pingInterval().toNanos();
        if (idle == 0 && ping == 0) {
            return;
        }
        if (ping > 0 && nextPingNanos == 0) {
            nextPingNanos = now + ping;
        }
        long due = Long.MAX_VALUE;
        if (idle > 0) {
            due = lastMessageNanos + idle;
        }
        if (ping > 0) {
            due = Math.min(due, nextPingNanos);
        }
        timerTask = timer.schedule(this::check, Math.max(0, due - now), TimeUnit.NANOSECONDS);
    }

    /** Runs on the {@link RelayTimer}'s runner: idle timeout, then ping and pong. */
    private void check() {
        long now = System.nanoTime();
        long idle = settings.idleTimeout().toNanos();
        if (idle > 0 && now - lastMessageNanos >= idle) {
            LOG.log(Level.DEBUG, () -> "relay [" + id + "]: idle for " + settings.idleTimeout() + "; closing both sides");
            closeBoth(CloseCodes.reason(CloseCodes.GOING_AWAY, "idle timeout"));
            return;
        }
        long ping = settings.pingInterval().toNanos();
        if (ping > 0 && now - nextPingNanos >= 0) {
            pingSentClient = answered(pingSentClient, Math.max(lastHeardClient, client.lastWriteDone()));
            pingSentBackend = answered(pingSentBackend, Math.max(lastHeardBackend, backend.lastWriteDone()));
            if (pingSentClient != 0 && now - pingSentClient >= 2 * ping) {
                abort(Side.CLIENT, CloseCodes.vanished(Side.CLIENT));
                return;
            }
            if (pingSentBackend != 0 && now - pingSentBackend >= 2 * ping) {
                abort(Side.BACKEND, CloseCodes.vanished(Side.BACKEND));
                return;
            }
            pingSentClient = ping(client, Side.CLIENT, now, pingSentClient);
            pingSentBackend = ping(backend, Side.BACKEND, now, pingSentBackend);
            nextPingNanos = now + ping;
        }
        synchronized (this) {
            if (state == State.OPEN) {
                scheduleNextCheck(now);
            }
        }
    }

    /**
     * @param lastSign when the leg last gave a sign of life: a frame from it (any, pongs included)
     *                 or a write to it that completed
     * @return 0 if the leg gave a sign of life since {@code pingSent}, else {@code pingSent}
     */
    private static long answered(long pingSent, long lastSign) {
        return pingSent != 0 && lastSign - pingSent >= 0 ? 0 : pingSent;
    }

    /** @return when the oldest unanswered probe of the leg went out, after probing it now */
    private long ping(SessionSender sender, Side side, long now, long oldestUnanswered) {
        try {
            boolean sent = sender.probe();
            return oldestUnanswered != 0 || !sent ? oldestUnanswered : now;
        } catch (IOException | RuntimeException e) {
            sendFailed(side, e);
            return oldestUnanswered;
        }
    }

    /**
     * Closes one leg, and ends it even when the close throws: a leg left open after its relay gave
     * up on it would hang its peer until the peer's own timeout (a killed backend once left every
     * Tomcat client hanging, as Tomcat's API refused to make a 1014). A close that throws is tried
     * again with 1011 and no reason; if that throws too, the leg is taken as closed (1006) so that
     * the relay still ends and releases what it holds. Each failure is a WARNING: it means a
     * container or client library refused what the protocol allows.
     */
    private void close(SessionSender sender, CloseReason reason) {
        try {
            sender.close(reason);
            return;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "relay [" + id + "]: closing the " + sender.side().label() + " leg with ["
                    + CloseCodes.code(reason) + "] failed; closing it with [" + CloseCodes.INTERNAL_ERROR + "] instead", e);
        }
        try {
            sender.close(CloseCodes.reason(CloseCodes.INTERNAL_ERROR, ""));
            return;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "relay [" + id + "]: the " + sender.side().label() + " leg could not be closed either;"
                    + " taking it as gone", e);
        }
        closed(sender.side(), CloseCodes.reason(CloseCodes.ABNORMAL, ""));
    }

    @Override
    public String toString() {
        return "Relay[" + id + ", " + state + "]";
    }
}
