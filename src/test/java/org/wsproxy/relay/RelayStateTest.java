package org.wsproxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay core on its own, with legs that record what they are sent: its states, the ways it
 * ends, and the backpressure it asks of an engine whose sends complete later.
 */
class RelayStateTest {

    private static final ConnectionInfo CONNECTION = new ConnectionInfo("test", "127.0.0.1", URI.create("ws://127.0.0.1/test"));

    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final AtomicInteger released = new AtomicInteger();
    private final List<ClosedConnection> records = new CopyOnWriteArrayList<>();
    private final FakeLeg client = new FakeLeg();
    private final FakeLeg backend = new FakeLeg();

    @AfterEach
    void stopTimer() {
        scheduler.shutdownNow();
    }

    private Relay relay() {
        return new Relay(CONNECTION, new RelaySettings(Duration.ZERO, Duration.ZERO, 0, Duration.ofSeconds(5)),
                new RelayTimer(scheduler, Runnable::run), new TrafficTotals(), new TrafficTotals(), (r, closed) -> {
                    released.incrementAndGet();
                    if (closed != null) {
                        records.add(closed);
                    }
                });
    }

    private Relay open() {
        Relay relay = relay();
        assertTrue(relay.backendOpened(backend));
        relay.clientOpened(client);
        assertEquals(RelayState.OPEN, relay.state());
        return relay;
    }

    @Test
    void aCloseFromEitherSideHalfClosesTheRelayUntilTheOtherAnswers() {
        Relay relay = open();
        relay.closed(Side.BACKEND, new Close(4001, "bye"));
        assertEquals(RelayState.BACKEND_SHUT, relay.state());
        assertEquals(List.of(new Close(4001, "bye")), client.closes);
        assertEquals(0, released.get());
        relay.closed(Side.CLIENT, new Close(4001, "bye"));
        assertEquals(RelayState.CLOSED, relay.state());
        assertEquals(1, released.get());
        assertEquals(Side.BACKEND, records.get(0).closedFirst());
        assertEquals(List.of(), backend.closes, "the backend closed first and is not sent a close");
    }

    @Test
    void endClosesBothLegsAndWaitsForBoth() {
        Relay relay = open();
        relay.end(new Close(1001, "idle timeout"));
        assertEquals(RelayState.CLOSING, relay.state());
        assertEquals(List.of(new Close(1001, "idle timeout")), client.closes);
        assertEquals(List.of(new Close(1001, "idle timeout")), backend.closes);
        relay.closed(Side.CLIENT, new Close(1001, "idle timeout"));
        assertEquals(RelayState.CLOSING, relay.state());
        relay.closed(Side.BACKEND, new Close(1001, "idle timeout"));
        assertEquals(RelayState.CLOSED, relay.state());
        assertNull(records.get(0).closedFirst(), "wsproxy ended both legs");
        relay.end(new Close(1001, "again"));
        relay.closed(Side.CLIENT, new Close(1000, "late"));
        assertEquals(1, released.get(), "released exactly once");
    }

    @Test
    void aFailedLegGivesTheOtherTheVanishedCode() {
        Relay relay = open();
        relay.fail(Side.BACKEND);
        assertEquals(List.of(new Close(1014, "backend went away")), client.closes);
        assertEquals(List.of(new Close(1001, "")), backend.closes);
        assertEquals(RelayState.CLOSING, relay.state());
    }

    @Test
    void aRelayWhoseClientNeverOpensIsAbandonedOnceAndItsBackendClosed() {
        Relay relay = relay();
        relay.backendOpened(backend);
        relay.abandon();
        relay.abandon();
        assertEquals(RelayState.CLOSED, relay.state());
        assertEquals(List.of(new Close(1001, "client did not complete its handshake")), backend.closes);
        assertEquals(1, released.get());
        assertTrue(records.isEmpty(), "no access log record without a client leg");
        FakeLeg late = new FakeLeg();
        relay.clientOpened(late);
        assertEquals(List.of(new Close(1001, "proxy closing")), late.closes, "a client that opens after all is closed at once");
    }

    @Test
    void aBackendThatAnswersAfterItsClientWasRefusedIsClosed() {
        Relay relay = relay();
        relay.abandon();
        FakeLeg late = new FakeLeg();
        assertFalse(relay.backendOpened(late));
        assertEquals(List.of(new Close(1001, "client gone")), late.closes);
    }

    @Test
    void partsFlowOnlyWhileOpenAndAreCountedAtTheirLastPart() {
        Relay relay = open();
        relay.received(Side.CLIENT, Part.text("ab", false));
        relay.received(Side.CLIENT, Part.text("\u00e9", true));
        relay.received(Side.BACKEND, Part.binary(ByteBuffer.allocate(3), true));
        assertEquals(List.of("text[ab]", "text[\u00e9] last"), backend.sent);
        assertEquals(List.of("binary[3 bytes] last"), client.sent);
        assertEquals(1, relay.traffic(Side.CLIENT).messages());
        assertEquals(4, relay.traffic(Side.CLIENT).bytes());
        relay.closed(Side.CLIENT, new Close(1000, ""));
        relay.received(Side.BACKEND, Part.binary(ByteBuffer.allocate(1), true));
        assertEquals(1, client.sent.size(), "nothing is passed on once a side has closed");
    }

    /** An engine whose send completes later is paused while the part is on its way, and resumed after. */
    @Test
    void aSendThatCompletesLaterPausesTheSourceUntilItIsDone() {
        Relay relay = open();
        backend.holdSends = true;
        relay.received(Side.CLIENT, Part.binary(ByteBuffer.allocate(8), true));
        assertEquals(List.of("pause"), client.reading);
        backend.pending.remove(0).sent();
        assertEquals(List.of("pause", "resume"), client.reading);
        backend.holdSends = false;
        relay.received(Side.CLIENT, Part.binary(ByteBuffer.allocate(8), true));
        assertEquals(List.of("pause", "resume"), client.reading, "a send done at once pauses nothing");
    }

    @Test
    void aSendThatFailsTakesTheLegForGone() {
        Relay relay = open();
        backend.failSends = true;
        relay.received(Side.CLIENT, Part.binary(ByteBuffer.allocate(1), true));
        assertEquals(List.of(new Close(1014, "backend went away")), client.closes);
        assertEquals(RelayState.CLOSING, relay.state());
    }

    @Test
    void utf8LengthCountsCodePoints() {
        assertEquals(1 + 2 + 3 + 4, Utf8.length("a\u00e9\u20ac\ud83d\ude00"));
        assertEquals(3, Utf8.length("\ud83d"), "a lone surrogate is encoded as a 3-byte replacement");
    }

    /** A leg that records what it is sent and asked. */
    private static final class FakeLeg implements Leg {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final List<Close> closes = new CopyOnWriteArrayList<>();
        final List<String> reading = new CopyOnWriteArrayList<>();
        /** While set, sends complete only when the test says so. */
        volatile boolean holdSends;
        volatile boolean failSends;
        final List<Sent> pending = new ArrayList<>();

        @Override
        public void send(Part part, Sent done) {
            sent.add(part.toString());
            if (failSends) {
                done.failed(new IOException("connection reset"));
            } else if (holdSends) {
                pending.add(done);
            } else {
                done.sent();
            }
        }

        @Override
        public void close(Close close) {
            closes.add(close);
        }

        @Override
        public boolean probe() {
            return true;
        }

        @Override
        public long lastWriteDone() {
            return System.nanoTime();
        }

        @Override
        public void pauseReading() {
            reading.add("pause");
        }

        @Override
        public void resumeReading() {
            reading.add("resume");
        }

        @Override
        public void abort() {
        }
    }
}
