package org.wsproxy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A handshake's HTTP status, folded into the outcomes an operator tells apart. */
class HandshakeOutcomeTest {

    @Test
    void handshakeStatusesFoldIntoTheirOutcomes() {
        assertEquals(HandshakeOutcome.OK, HandshakeOutcome.of(101));
        assertEquals(HandshakeOutcome.CLIENT_ERROR, HandshakeOutcome.of(400));
        assertEquals(HandshakeOutcome.CLIENT_ERROR, HandshakeOutcome.of(431));
        assertEquals(HandshakeOutcome.CLIENT_ERROR, HandshakeOutcome.of(499));
        assertEquals(HandshakeOutcome.BAD_GATEWAY, HandshakeOutcome.of(502));
        assertEquals(HandshakeOutcome.SERVICE_UNAVAILABLE, HandshakeOutcome.of(503));
        assertEquals(HandshakeOutcome.GATEWAY_TIMEOUT, HandshakeOutcome.of(504));
        assertEquals(HandshakeOutcome.OTHER, HandshakeOutcome.of(500));
        assertEquals(HandshakeOutcome.OTHER, HandshakeOutcome.of(302));
        assertEquals(HandshakeOutcome.OTHER, HandshakeOutcome.of(200));
    }
}
