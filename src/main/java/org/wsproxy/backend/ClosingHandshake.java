package org.wsproxy.backend;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.Session;

import org.glassfish.grizzly.CloseReason;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.tyrus.container.grizzly.client.GrizzlyWriter;
import org.glassfish.tyrus.core.ProtocolHandler;
import org.glassfish.tyrus.core.TyrusWebSocket;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;
import org.glassfish.tyrus.spi.WriterInfo;

/**
 * Ends a backend connection's TCP connection only once the backend has answered the close frame,
 * as RFC 6455 section 7.1.1 asks of a client, instead of right after sending it.
 * <p>
 * The Tyrus client closes the TCP connection as soon as its own close frame is queued: closing a
 * session writes the close frame and closes the connection in the same call. When the backend's
 * messages were at that moment still unread in wsproxy's receive buffer (a backend echoing a
 * client's burst), Linux answers that close with a reset, which discards what wsproxy had not yet
 * sent: the client's last messages and the close frame. The backend, on the reset, discards what
 * it had not yet read. So the client's last messages and its close were lost now and then. Tyrus's
 * Grizzly writer also ends the connection directly, while its close frame may still be waiting in
 * the writer's own queue for a backend that is slow to read: a close answering the backend's was
 * then never sent, without any reset.
 * <p>
 * This writer stands in for the Tyrus session's own: the first close (Tyrus's, after the close
 * frame) is held; the connection goes on reading, and what comes after the close is discarded
 * by Tyrus (the session is closed). The connection ends when the backend's close frame arrives
 * (Tyrus closes the writer a second time), when the backend ends the TCP connection (Grizzly
 * closes it), or after {@link #ANSWER_GRACE_MILLIS}. The session's endpoint still learns of the
 * close at once, as before: only the TCP connection outlives it.
 * <p>
 * It reaches Tyrus's session internals by reflection. If a Tyrus version lays them out
 * differently, one WARNING says so and sessions keep Tyrus's own behaviour.
 */
final class ClosingHandshake extends Writer {

    private static final Logger LOG = System.getLogger(ClosingHandshake.class.getName());

    /**
     * How long a backend connection stays open after wsproxy's close frame for the backend's
     * answer, in milliseconds, so 5 seconds. A backend answers once it has read everything sent
     * before the close, at most a few socket buffers, which takes milliseconds; one that has not
     * answered in 5 s is stuck or gone, and its connection is ended without the answer so that it
     * does not hold a connection and its buffers.
     */
    static final long ANSWER_GRACE_MILLIS = 5000;

    /** The fields leading from a Tyrus session to its writer; null if this Tyrus lays them out differently. */
    private static final Internals INTERNALS = Internals.find();

    private final Writer tyrus;
    private final Connection<?> connection;
    private final ScheduledExecutorService timer;
    private final Awaiting awaiting;

    /** Guarded by {@code this}: how many times Tyrus closed this writer. */
    private int closes;
    /** Guarded by {@code this}: the forced close after the grace, while the answer is awaited. */
    private ScheduledFuture<?> grace;
    /** Guarded by {@code this}: the TCP connection has ended. */
    private boolean ended;

    private ClosingHandshake(Writer tyrus, Connection<?> connection, ScheduledExecutorService timer, Awaiting awaiting) {
        this.tyrus = tyrus;
        this.connection = connection;
        this.timer = timer;
        this.awaiting = awaiting;
    }

    /**
     * The backend connections of one application that sent their close and wait for the answer, so
     * that stopping the application lets those answers arrive before it ends the transport (which
     * would reset the connections, and a backend still sending would see 1006 instead of the code).
     */
    static final class Awaiting {
        /** Guarded by {@code this}. */
        private int count;

        synchronized void add() {
            count++;
        }

        synchronized void remove() {
            count--;
            if (count == 0) {
                notifyAll();
            }
        }

        /** Waits until no connection awaits its answer, or {@code millis} have passed. */
        synchronized void awaitNone(long millis) throws InterruptedException {
            long deadline = System.nanoTime() + millis * 1_000_000;
            while (count > 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return;
                }
                wait(left);
            }
        }
    }

    /**
     * Makes the TCP connection of a backend session wait for the backend's close answer.
     *
     * @param timer    runs the forced close of a backend that never answers
     * @param awaiting counts the connections waiting for their answer
     */
    static void install(Session session, ScheduledExecutorService timer, Awaiting awaiting) {
        if (INTERNALS == null) {
            return;
        }
        try {
            TyrusWebSocket socket = (TyrusWebSocket) INTERNALS.socket.get(session.getBasicRemote());
            ProtocolHandler handler = (ProtocolHandler) INTERNALS.handler.get(socket);
            Writer writer = (Writer) INTERNALS.writer.get(handler);
            if (!(writer instanceof GrizzlyWriter)) {
                // Not Tyrus's Grizzly client container: nothing known to hold.
                return;
            }
            ClosingHandshake closing = new ClosingHandshake(writer, (Connection<?>) INTERNALS.connection.get(writer), timer, awaiting);
            handler.setWriter(closing);
            closing.connection.closeFuture().addCompletionHandler(closing.new Ended());
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.DEBUG, "backend session [" + session.getId() + "] keeps Tyrus's close: " + e);
        }
    }

    @Override
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> completionHandler) {
        tyrus.write(buffer, completionHandler);
    }

    @Override
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> completionHandler, WriterInfo writerInfo) {
        tyrus.write(buffer, completionHandler, writerInfo);
    }

    /**
     * Tyrus's first close comes right after its own close frame (or its answer to the backend's),
     * and is held; the second, when the backend's close frame arrives after Tyrus's, ends the
     * connection.
     */
    @Override
    public void close() {
        synchronized (this) {
            closes++;
            if (closes == 1 && !ended) {
                try {
                    grace = timer.schedule(this::answerNeverCame, ANSWER_GRACE_MILLIS, TimeUnit.MILLISECONDS);
                    awaiting.add();
                    return;
                } catch (RejectedExecutionException e) {
                    // The application is stopping: its transport ends every connection anyway.
                }
            }
        }
        endConnection();
    }

    private void answerNeverCame() {
        LOG.log(Level.DEBUG, () -> "backend connection [" + connection.getPeerAddress() + "] did not answer the close within "
                + ANSWER_GRACE_MILLIS + " ms; ending it");
        endConnection();
        // This ran on the timer's thread, which Grizzly's write counter would otherwise hold on to.
        GrizzlyThreadLocals.release();
    }

    private void endConnection() {
        try {
            tyrus.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "ending backend connection [" + connection.getPeerAddress() + "] failed: " + e);
        }
    }

    /** Tells its writer that the TCP connection ended (either side ended it): the forced close is not needed. */
    private final class Ended extends EmptyCompletionHandler<CloseReason> {
        @Override
        public void completed(CloseReason reason) {
            synchronized (ClosingHandshake.this) {
                ended = true;
                if (grace != null) {
                    grace.cancel(false);
                    grace = null;
                    awaiting.remove();
                }
            }
        }
    }

    /** The private fields from a Tyrus client session to its Grizzly connection (see TyrusInternals). */
    private record Internals(Field socket, Field handler, Field writer, Field connection) {

        static Internals find() {
            Internals found = new Internals(TyrusInternals.REMOTE_SOCKET, TyrusInternals.SOCKET_HANDLER,
                    TyrusInternals.HANDLER_WRITER, TyrusInternals.WRITER_CONNECTION);
            if (found.socket == null || found.handler == null || found.writer == null || found.connection == null) {
                LOG.log(Level.WARNING, "This Tyrus client's internals are not the known ones; backend connections end right "
                        + "after wsproxy's close frame, and a client's last messages may be lost when a backend is still sending");
                return null;
            }
            return found;
        }
    }
}
