package org.wsproxy.relay;

import java.io.IOException;

/**
 * One side of a relayed connection, as an engine implements it: the client leg faces the client,
 * the backend leg faces the backend. The relay sends through a leg; the leg reports what arrives
 * through the relay's methods ({@link Relay#received}, {@link Relay#heard}, {@link Relay#closed}).
 * <p>
 * Threads: {@link #send} is called by the other leg's delivery, one part at a time: the next part
 * is read from the other leg only once the previous one was sent (that is the backpressure);
 * {@link #probe} by the relay's timer; {@link #close} and {@link #abort} by whichever thread ends the
 * relay. A leg serializes its own writes.
 */
public interface Leg {

    /**
     * Sends one message part. The engine tells {@code done} once it has written the part, or that
     * it could not, on any thread, possibly before this returns. A leg whose close has begun drops
     * the part and tells {@code done} it was sent, as its close will be reported.
     */
    void send(Part part, Sent done);

    /** What a leg tells the relay of one {@link #send}. */
    interface Sent {
        /** The part was written: the next part may follow. */
        void sent();

        /** The connection failed: the relay takes the leg for gone. */
        void failed(IOException error);
    }

    /** Sends a close frame and lets the engine complete the closing handshake. */
    void close(Close close) throws IOException;

    /**
     * Asks the peer for a sign of life: a ping, or nothing while a write to it is in progress, as
     * that write completing is the sign.
     *
     * @return false if the leg can no longer answer (it is closed)
     */
    boolean probe() throws IOException;

    /** When the last write to this leg completed ({@link System#nanoTime()}): the peer took those bytes. */
    long lastWriteDone();

    /**
     * Stops reading from this leg's peer until {@link #resumeReading()}: the relay asks while a part
     * from this leg is still being written to the other leg, so that TCP pushes back on the fast
     * peer. Engines whose sends complete before {@link #send} returns are never asked.
     */
    default void pauseReading() {
    }

    /** Reads from this leg's peer again, after {@link #pauseReading()}. */
    default void resumeReading() {
    }

    /**
     * Ends the connection without a close frame: the last resort for a leg whose close failed.
     * Engines that cannot (a container's WebSocket session) do nothing.
     */
    void abort();
}
