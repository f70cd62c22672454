package org.wsproxy.relay;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client connection paired with one backend connection, each a {@link Leg} of whichever engine
 * carries it.
 * <p>
 * Its states and their transitions are {@link RelayState}'s; {@link #moveTo} is the one place the
 * state changes, and it refuses any transition that table does not allow. A relay ends in one of
 * four ways: a leg reports its close ({@link #closed}), a leg fails ({@link #fail}), wsproxy ends
 * both legs ({@link #end}: idle timeout, message too big, the application stopping), or the client
 * leg never opens ({@link #abandon}).
 * <p>
 * Locking: state changes happen under {@code this}; sends and closes run after the lock is
 * released, because they may block on a slow peer. Message delivery takes no lock: it reads the
 * volatile {@link #state} and the leg it sends to.
 * <p>
 * When both legs have closed, a relay whose client leg opened writes its line to the
 * {@link AccessLog}, then tells its {@link RelayListener}, once.
 */
public final class Relay {

    private static final Logger LOG = System.getLogger(Relay.class.getName());
    private static final AtomicLong IDS = new AtomicLong();

    private final String id;
    private final RelaySettings settings;
    private final RelayTimer timer;
    private final RelayListener listener;
    private final ConnectionRecord record;
    private final Liveness liveness;
    private final Direction clientToBackend;
    private final Direction backendToClient;

    /** Counted down once the client leg is open, or when the relay ends without one. */
    private final CountDownLatch clientReady = new CountDownLatch(1);

    /** Written under {@code this} by {@link #moveTo}; read without a lock on the delivery path. */
    private volatile RelayState state = RelayState.CONNECTING;
    /** Set once, under {@code this}, before {@link #clientReady} opens. */
    private volatile Leg client;
    /** Set once, under {@code this}, when the backend leg opens (before the client leg can open). */
    private volatile Leg backend;

    /** Guarded by {@code this}: the close each leg reported, null until it did. */
    private Close clientClose;
    private Close backendClose;
    /** Guarded by {@code this}: the leg whose close or failure started the end; null if wsproxy ended both. */
    private Side closedFirst;
    /** Guarded by {@code this}: what the client leg is sent as it opens, when the relay is already ending. */
    private Close pendingClientClose;
    /** Guarded by {@code this}: the expiry of the wait for the client leg, while it is scheduled. */
    private ScheduledFuture<?> handoff;

    /**
     * @param inTotals  what the client-to-backend traffic also adds to (its backend's totals)
     * @param outTotals what the backend-to-client traffic also adds to
     */
    public Relay(ConnectionInfo connection, RelaySettings settings, RelayTimer timer, TrafficTotals inTotals,
                 TrafficTotals outTotals, RelayListener listener) {
        this.id = connection.route() + "#" + IDS.incrementAndGet();
        this.settings = settings;
        this.timer = timer;
        this.listener = listener;
        this.record = new ConnectionRecord(connection, inTotals, outTotals);
        this.liveness = new Liveness(this, settings.idleTimeout(), settings.pingInterval(), timer);
        this.clientToBackend = new Direction(this, Side.CLIENT, settings.maxMessageSize(), record.in);
        this.backendToClient = new Direction(this, Side.BACKEND, settings.maxMessageSize(), record.out);
    }

    public String id() {
        return id;
    }

    public String routeName() {
        return record.connection().route();
    }

    public ConnectionInfo connection() {
        return record.connection();
    }

    /** When the client's handshake reached wsproxy. */
    public Instant started() {
        return record.started();
    }

    /** Messages and bytes passed on from {@code from} to the other leg so far. */
    public Traffic traffic(Side from) {
        return from == Side.CLIENT ? record.in : record.out;
    }

    public RelayState state() {
        return state;
    }

    Liveness liveness() {
        return liveness;
    }

    /** The leg on {@code side}; null before it opened. */
    Leg leg(Side side) {
        return side == Side.CLIENT ? client : backend;
    }

    /**
     * The backend leg opened, during the client's handshake, before the client has its 101. Parts
     * the backend sends from now on wait in {@link #legTowards} until the client leg opens.
     *
     * @return false if the relay was abandoned meanwhile (the backend answered after its client was
     *         refused): the leg has been closed, and must not deliver anything
     */
    public boolean backendOpened(Leg leg) {
        synchronized (this) {
            if (state == RelayState.CONNECTING && backend == null) {
                backend = leg;
                handoff = timer.schedule(this::abandon, settings.handoffTimeout().toMillis(), TimeUnit.MILLISECONDS);
                return true;
            }
        }
        LOG.log(Level.DEBUG, () -> "relay [" + id + "]: the backend answered after its client was refused; closing it");
        closeLeg(leg, Side.BACKEND, new Close(CloseCodes.GOING_AWAY, "client gone"));
        return false;
    }

    /** The client leg opened: the engine has upgraded the client's connection. */
    public void clientOpened(Leg leg) {
        Close closeNow;
        synchronized (this) {
            client = leg;
            cancelHandoff();
            if (state == RelayState.CONNECTING) {
                moveTo(RelayState.OPEN);
                closeNow = null;
            } else {
                closeNow = pendingClientClose != null ? pendingClientClose : new Close(CloseCodes.GOING_AWAY, "proxy closing");
            }
        }
        clientReady.countDown();
        if (closeNow == null) {
            liveness.start();
        } else {
            closeLeg(leg, Side.CLIENT, closeNow);
        }
    }

    /** A data message part arrived from {@code from}; called on that leg's delivery thread. */
    public void received(Side from, Part part) {
        (from == Side.CLIENT ? clientToBackend : backendToClient).pass(part);
    }

    /** A pong arrived from {@code from}. */
    public void heard(Side from) {
        liveness.heard(from);
    }

    /**
     * The leg that parts from the other leg go to, waiting for the client leg to open if needed.
     *
     * @return null when the relay is ending: the part is dropped, as the legs are going away
     */
    Leg legTowards(Side to) {
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
        return state == RelayState.OPEN ? leg(to) : null;
    }

    /** A leg reported its close: a close frame, or 1006 when the connection ended without one. */
    public void closed(Side side, Close close) {
        Leg toClose = null;
        Close forward = null;
        boolean done;
        synchronized (this) {
            if (reported(side) != null || state == RelayState.CLOSED) {
                return;
            }
            if (side == Side.CLIENT) {
                clientClose = close;
            } else {
                backendClose = close;
            }
            switch (state) {
                case CONNECTING -> {
                    // Only the backend can close before the client opens: its close waits for the client.
                    closedFirst = side;
                    pendingClientClose = CloseCodes.forward(close, side);
                    moveTo(RelayState.BACKEND_SHUT);
                }
                case OPEN -> {
                    closedFirst = side;
                    forward = CloseCodes.forward(close, side);
                    toClose = leg(side.other());
                    moveTo(side == Side.CLIENT ? RelayState.CLIENT_SHUT : RelayState.BACKEND_SHUT);
                }
                default -> {
                    // The other leg answering the close sent on to it, or a leg wsproxy closed itself.
                }
            }
            done = finishIfBothClosed();
        }
        LOG.log(Level.DEBUG, () -> "relay [" + id + "]: " + side.label() + " closed with " + close);
        if (toClose != null || done) {
            liveness.stop();
        }
        if (toClose != null) {
            closeLeg(toClose, side.other(), forward);
        }
        if (done) {
            finished();
        }
    }

    /**
     * Sending to leg {@code to} failed on the wire, or a probe of it threw: the leg is gone.
     */
    void sendFailed(Side to, Exception error) {
        LOG.log(Level.DEBUG, () -> "relay [" + id + "]: sending to " + to.label() + " failed: " + error);
        fail(to);
    }

    /** A message from {@code from} grew past maxMessageSize. */
    void tooBig(Side from, long bytes) {
        LOG.log(Level.INFO, () -> "relay [" + id + "]: message from " + from.label() + " exceeded maxMessageSize ["
                + settings.maxMessageSize() + "] bytes at [" + bytes + "] bytes; closing both sides with 1009");
        end(new Close(CloseCodes.TOO_BIG, "message too big"));
    }

    /**
     * Leg {@code gone} is unusable (a send failed on the wire, or it answered no ping): the other
     * leg is told the side went away (1001 to a backend, 1014 to a client), and the gone leg is
     * closed as best it can be.
     */
    void fail(Side gone) {
        Leg goneLeg;
        Leg other;
        synchronized (this) {
            if (state == RelayState.CLOSED || state == RelayState.CLOSING) {
                return;
            }
            if (closedFirst == null) {
                closedFirst = gone;
            }
            if (state == RelayState.CONNECTING) {
                pendingClientClose = CloseCodes.vanished(gone);
            }
            moveTo(RelayState.CLOSING);
            cancelHandoff();
            goneLeg = reported(gone) == null ? leg(gone) : null;
            other = reported(gone.other()) == null ? leg(gone.other()) : null;
        }
        clientReady.countDown();
        liveness.stop();
        if (other != null) {
            closeLeg(other, gone.other(), CloseCodes.vanished(gone));
        }
        if (goneLeg != null) {
            closeLeg(goneLeg, gone, new Close(CloseCodes.GOING_AWAY, ""));
        }
    }

    /** wsproxy ends both legs with the same close (idle timeout, message too big, the application stopping). */
    public void end(Close close) {
        Leg c;
        Leg b;
        boolean done;
        synchronized (this) {
            if (state == RelayState.CLOSED) {
                return;
            }
            if (state == RelayState.CONNECTING) {
                pendingClientClose = close;
            }
            if (state != RelayState.CLOSING) {
                moveTo(RelayState.CLOSING);
            }
            cancelHandoff();
            c = clientClose == null ? client : null;
            b = backendClose == null ? backend : null;
            done = finishIfBothClosed();
        }
        clientReady.countDown();
        liveness.stop();
        if (c != null) {
            closeLeg(c, Side.CLIENT, close);
        }
        if (b != null) {
            closeLeg(b, Side.BACKEND, close);
        }
        if (done) {
            finished();
        }
    }

    /**
     * The client leg will not open: the handshake was refused or given up, or its upgrade did not
     * come within the handoff timeout. The backend leg, if open, is closed; the relay is released.
     */
    public void abandon() {
        Leg b;
        synchronized (this) {
            if (client != null || state == RelayState.CLOSED) {
                return;
            }
            b = backendClose == null ? backend : null;
            clientClose = Close.dropped();
            if (backendClose == null) {
                backendClose = new Close(CloseCodes.GOING_AWAY, "client did not complete its handshake");
            }
            moveTo(RelayState.CLOSED);
            cancelHandoff();
        }
        clientReady.countDown();
        LOG.log(Level.DEBUG, () -> "relay [" + id + "]: client leg never opened; closing the backend leg");
        if (b != null) {
            closeLeg(b, Side.BACKEND, new Close(CloseCodes.GOING_AWAY, "client did not complete its handshake"));
        }
        finished();
    }

    /** Closes one leg; one that cannot be closed at all is taken as gone, so that the relay still ends. */
    private void closeLeg(Leg leg, Side side, Close close) {
        if (!LegCloser.close(id, leg, side, close)) {
            closed(side, Close.dropped());
        }
    }

    /**
     * Both legs have closed: the access log, then the listener. Runs once, on the thread that saw
     * the last close, after the lock is released.
     */
    private void finished() {
        ClosedConnection closed;
        synchronized (this) {
            closed = client == null ? null : record.closed(clientClose, backendClose, closedFirst);
        }
        if (closed != null) {
            AccessLog.log(closed);
        }
        listener.relayClosed(this, closed);
    }

    /** Must hold {@code this}. The one place the state changes. */
    private void moveTo(RelayState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("relay [" + id + "]: " + state + " cannot become " + next);
        }
        state = next;
    }

    /** Must hold {@code this}. */
    private Close reported(Side side) {
        return side == Side.CLIENT ? clientClose : backendClose;
    }

    /** Must hold {@code this}. */
    private boolean finishIfBothClosed() {
        if (clientClose != null && backendClose != null && state != RelayState.CLOSED) {
            moveTo(RelayState.CLOSED);
            cancelHandoff();
            return true;
        }
        return false;
    }

    /** Must hold {@code this}. */
    private void cancelHandoff() {
        if (handoff != null) {
            handoff.cancel(false);
            handoff = null;
        }
    }

    /** For diagnosis: the state, each leg's reported close and the leg itself. */
    public synchronized String describe() {
        return "Relay[" + id + ", " + state + ", client " + clientClose + " " + client + ", backend " + backendClose + " "
                + backend + "]";
    }

    @Override
    public String toString() {
        return "Relay[" + id + ", " + state + "]";
    }
}
