package org.wsproxy.bench;

import java.io.IOException;

/** What a scenario does with its connections. Every call comes from the {@link LoadLoop} thread. */
interface Workload {

    /** Send times a connection keeps for the messages in flight. */
    default int maxInFlight() {
        return 16;
    }

    default void onOpen(ClientConn conn) throws IOException {
    }

    /** A whole data message arrived (its last frame), at {@code nanos}. */
    default void onMessage(ClientConn conn, long nanos) throws IOException {
    }

    /** Payload bytes of data frames received. */
    default void onBytes(ClientConn conn, int bytes) {
    }

    /** Everything queued has been written; only called after the socket had been full. */
    default void onWritable(ClientConn conn) throws IOException {
    }

    default void onClosed(ClientConn conn) throws IOException {
    }

    /** Timed work (paced sends); returns when it wants to be called again (System.nanoTime). */
    default long tick(long nanos) throws IOException {
        return Long.MAX_VALUE;
    }

    boolean done();
}
