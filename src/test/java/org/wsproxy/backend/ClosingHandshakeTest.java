package org.wsproxy.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.RawClient;
import org.wsproxy.support.ScriptedBackend;
import org.wsproxy.support.WireFrames;

/**
 * A backend connection outlives wsproxy's close frame only until the backend answers it, or for
 * {@link ClosingHandshake#ANSWER_GRACE_MILLIS} if it never does (see org.wsproxy.LastMessagesTest
 * for why it waits at all).
 */
class ClosingHandshakeTest {

    /** Seconds any single step may take: far beyond what it needs, so that a slow machine does not fail a test. */
    private static final long WAIT = 5;

    @Test
    void backendThatNeverAnswersTheCloseHasItsConnectionEndedAfterTheGraceAndTheRelayIsReleasedAtOnce() throws Exception {
        try (ScriptedBackend backend = ScriptedBackend.neverAnsweringCloses();
                ProxyServer proxy = ProxyServer.route("/echo", backend.uri("/echo"));
                RawClient client = RawClient.connect(proxy.port(), "/echo")) {
            client.readTimeout(Duration.ofSeconds(WAIT));
            client.frame(true, 0x1, "hello".getBytes(StandardCharsets.UTF_8));
            assertEquals("hello", new String(client.readMessage(), StandardCharsets.UTF_8));
            client.frame(true, 0x8, WireFrames.closePayload(4000, "bye".getBytes(StandardCharsets.UTF_8)));
            RawClient.Frame close = client.readClose();
            assertNotNull(close, "the proxy ended the connection without a close frame");
            assertEquals(4000, close.closeCode());
            client.readToEnd();

            assertEquals("close 4000", backend.nextEnding(WAIT));
            // The relay learns of the backend leg's close at once; only the TCP connection waits.
            assertEquals(0, proxy.awaitNoRelays(WAIT), "relays still held");
            long grace = TimeUnit.MILLISECONDS.toSeconds(ClosingHandshake.ANSWER_GRACE_MILLIS);
            assertEquals("end of stream", backend.nextEnding(grace + WAIT), "the unanswered backend connection was never ended");
        }
    }
}
