package org.wsproxy.jsr356;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wsproxy.relay.CloseCodes;
import org.wsproxy.relay.ConnectionInfo;
import org.wsproxy.relay.Relay;
import org.wsproxy.relay.RelayState;
import org.wsproxy.relay.RelaySettings;
import org.wsproxy.relay.RelayTimer;
import org.wsproxy.relay.Side;
import org.wsproxy.relay.TrafficTotals;

/**
 * The relay with the jsr356 engine's legs over recording sessions: what each session is sent,
 * part by part, and what the relay makes of what each session reports.
 */
class SessionRelayTest {

    private static final ConnectionInfo CONNECTION = new ConnectionInfo("test", "127.0.0.1", URI.create("ws://127.0.0.1/test"));

    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final RelayTimer timer = new RelayTimer(scheduler, Runnable::run);
    private final AtomicInteger released = new AtomicInteger();
    private final AtomicInteger backendWrites = new AtomicInteger();
    private final FakeSession client = new FakeSession();
    private final FakeSession backend = new FakeSession();

    @AfterEach
    void stopTimer() {
        scheduler.shutdownNow();
    }

    private Relay open(long maxMessageSize) {
        Relay relay = new Relay(CONNECTION, new RelaySettings(Duration.ZERO, Duration.ZERO, maxMessageSize, Duration.ofSeconds(5)),
                timer, new TrafficTotals(), new TrafficTotals(), (r, closed) -> released.incrementAndGet());
        backendOpens(relay, backend.session, backendWrites::incrementAndGet);
        clientOpens(relay, client.session);
        return relay;
    }

    @Test
    void surrogatePairSplitBetweenPartsIsSentWhole() {
        open(0);
        // Some containers may end a part between the two halves of a pair; each part sent must be valid UTF-16.
        client.text("ab\ud83d", false);
        client.text("\ude00c", true);
        assertEquals(List.of("text[ab]", "text[\ud83d\ude00c] last"), backend.sent);
    }

    @Test
    void trafficIsCountedPerDirectionWithAMessageAtItsLastPart() {
        Relay relay = open(0);
        client.text("ab\ud83d", false);
        assertEquals(0, relay.traffic(Side.CLIENT).messages(), "a message counts once its last part is passed on");
        client.text("\ude00c", true);
        backend.binary(3, false);
        backend.binary(2, true);
        backend.text("\u00e9", true);
        assertEquals(1, relay.traffic(Side.CLIENT).messages());
        assertEquals(7, relay.traffic(Side.CLIENT).bytes(), "a b, the pair split between parts as 4 bytes, c");
        assertEquals(2, relay.traffic(Side.BACKEND).messages());
        assertEquals(7, relay.traffic(Side.BACKEND).bytes(), "3 + 2 binary, and e-acute as 2 bytes of UTF-8");
    }

    @Test
    void messageBoundariesAreKeptPartByPart() {
        open(0);
        backend.binary(3, false);
        backend.binary(2, true);
        backend.text("x", true);
        assertEquals(List.of("binary[3]", "binary[2] last", "text[x] last"), client.sent);
        assertEquals(0, backendWrites.get(), "writes to the client do not run the backend's hook");
        client.text("y", true);
        assertEquals(1, backendWrites.get(), "each write to the backend runs the backend's hook");
    }

    @Test
    void closeWithoutStatusIsForwardedAsNormalClosureAndBothClosesReleaseTheRelay() {
        Relay relay = open(0);
        relay.closed(Side.CLIENT, CloseCodes.of(new CloseReason(CloseReason.CloseCodes.NO_STATUS_CODE, "")));
        assertEquals(1000, backend.closes.get(0).getCloseCode().getCode());
        assertEquals(RelayState.CLIENT_SHUT, relay.state(), "the client has closed; the backend's answer is awaited");
        relay.closed(Side.BACKEND, CloseCodes.of(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "")));
        assertEquals(RelayState.CLOSED, relay.state());
        assertEquals(1, released.get());
    }

    @Test
    void abnormalClosesAreMappedPerSide() {
        Relay relay = open(0);
        relay.closed(Side.BACKEND, CloseCodes.of(new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "")));
        assertEquals(1014, client.closes.get(0).getCloseCode().getCode());

        FakeSession otherClient = new FakeSession();
        FakeSession otherBackend = new FakeSession();
        Relay other = new Relay(CONNECTION, new RelaySettings(Duration.ZERO, Duration.ZERO, 0, Duration.ofSeconds(5)), timer,
                new TrafficTotals(), new TrafficTotals(), (r, closed) -> { });
        backendOpens(other, otherBackend.session, () -> { });
        clientOpens(other, otherClient.session);
        other.closed(Side.CLIENT, CloseCodes.of(new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "")));
        assertEquals(1001, otherBackend.closes.get(0).getCloseCode().getCode());
    }

    @Test
    void messageOverTheLimitIsNotForwardedAndClosesBothWith1009() {
        open(4);
        client.binary(4, true);
        client.binary(3, false);
        client.binary(2, true);
        assertEquals(List.of("binary[4] last", "binary[3]"), backend.sent);
        assertEquals(1009, client.closes.get(0).getCloseCode().getCode());
        assertEquals(1009, backend.closes.get(0).getCloseCode().getCode());
    }

    /** "ab", U+1F600 and "c" are 7 bytes of UTF-8; split between parts, the pair's halves once counted 3 bytes each (9 in all). */
    @Test
    void aSurrogatePairSplitBetweenPartsCountsFourBytesTowardsMaxMessageSize() {
        open(7);
        client.text("ab\ud83d", false);
        client.text("\ude00c", true);
        assertEquals(List.of("text[ab]", "text[\ud83d\ude00c] last"), backend.sent);
        assertTrue(client.closes.isEmpty(), "closed with " + client.closes);
    }

    @Test
    void backendCloseBeforeTheClientOpensReachesTheClientWhenItOpens() {
        Relay relay = new Relay(CONNECTION, new RelaySettings(Duration.ZERO, Duration.ZERO, 0, Duration.ofSeconds(5)),
                timer, new TrafficTotals(), new TrafficTotals(), (r, closed) -> released.incrementAndGet());
        backendOpens(relay, backend.session, backendWrites::incrementAndGet);
        relay.closed(Side.BACKEND, CloseCodes.of(new CloseReason(CloseReason.CloseCodes.getCloseCode(4000), "bye")));
        clientOpens(relay, client.session);
        assertEquals(4000, client.closes.get(0).getCloseCode().getCode());
        assertEquals("bye", client.closes.get(0).getReasonPhrase());
        assertTrue(backend.sent.isEmpty());
    }

    @Test
    void sendRefusedByAClosingLegWaitsForThatLegsOwnClose() {
        Relay relay = open(0);
        // Tomcat has failed the client for invalid UTF-8 and refuses sends before it reports the close.
        client.refuseSends = new IllegalStateException("Message will not be sent because the WebSocket session has been closed");
        backend.text("on its way to the client", true);
        assertEquals(List.of(), backend.closes, "the client is not taken for gone");
        relay.closed(Side.CLIENT, CloseCodes.of(new CloseReason(CloseReason.CloseCodes.NOT_CONSISTENT, "invalid UTF-8")));
        assertEquals(1007, backend.closes.get(0).getCloseCode().getCode());
        assertEquals("invalid UTF-8", backend.closes.get(0).getReasonPhrase());
        relay.closed(Side.BACKEND, CloseCodes.of(new CloseReason(CloseReason.CloseCodes.NOT_CONSISTENT, "invalid UTF-8")));
        assertEquals(1, released.get());
    }

    @Test
    void sendThatFailsOnTheWireTakesTheLegForGone() {
        open(0);
        client.refuseSends = new java.io.IOException("Connection reset");
        backend.text("lost", true);
        assertEquals(1001, backend.closes.get(0).getCloseCode().getCode(), "the backend learns its client went away");
    }

    /** What BackendLeg.onOpen does, with a hook that counts the writes to the backend. */
    private static void backendOpens(Relay relay, Session session, Runnable afterWrite) {
        if (relay.backendOpened(new SessionLeg(session, afterWrite))) {
            Inbound.register(session, relay, Side.BACKEND);
        }
    }

    /** What ClientLeg.onOpen does. */
    private static void clientOpens(Relay relay, Session session) {
        Inbound.register(session, relay, Side.CLIENT);
        relay.clientOpened(new SessionLeg(session, () -> { }));
    }
}
