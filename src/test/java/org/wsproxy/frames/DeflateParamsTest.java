package org.wsproxy.frames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** permessage-deflate negotiation (RFC 7692 section 7.1) on the frame engine's two legs. */
class DeflateParamsTest {

    private static Optional<String> answer(String... offers) {
        return DeflateParams.negotiate(List.of(offers)).map(DeflateParams::response);
    }

    @Test
    void aPlainOfferIsAccepted() {
        assertEquals(Optional.of("permessage-deflate"), answer("permessage-deflate"));
        assertEquals(Optional.of("permessage-deflate"), answer("permessage-deflate; client_max_window_bits"));
        assertEquals(Optional.of("permessage-deflate"), answer("permessage-deflate; client_max_window_bits=10"));
    }

    @Test
    void noContextTakeoverIsHonouredAndAnswered() {
        assertEquals(Optional.of("permessage-deflate; server_no_context_takeover; client_no_context_takeover"),
                answer("permessage-deflate; server_no_context_takeover; client_no_context_takeover"));
    }

    @Test
    void aServerWindowBelow15BitsIsDeclinedForTheNextOffer() {
        assertEquals(Optional.empty(), answer("permessage-deflate; server_max_window_bits=10"));
        assertEquals(Optional.of("permessage-deflate"),
                answer("permessage-deflate; server_max_window_bits=10, permessage-deflate"));
        assertEquals(Optional.of("permessage-deflate"), answer("permessage-deflate; server_max_window_bits=15"));
    }

    @Test
    void unknownRepeatedOrMalformedParametersDeclineTheOffer() {
        assertEquals(Optional.empty(), answer("permessage-deflate; max_window=3"));
        assertEquals(Optional.empty(), answer("permessage-deflate; server_no_context_takeover; server_no_context_takeover"));
        assertEquals(Optional.empty(), answer("permessage-deflate; client_max_window_bits=7"));
        assertEquals(Optional.empty(), answer("permessage-deflate; server_no_context_takeover=1"));
        assertEquals(Optional.empty(), answer("x-webkit-deflate-frame"));
        assertEquals(Optional.of("permessage-deflate"), answer("x-webkit-deflate-frame", "permessage-deflate"));
    }

    @Test
    void aBackendsAnswerSaysWhetherItKeepsItsContext() {
        assertEquals(Optional.empty(), DeflateParams.backendAnswer(List.of()), "no extension: nothing compressed");
        assertEquals(Optional.of(new DeflateParams(true, true)), DeflateParams.backendAnswer(
                List.of("permessage-deflate; server_no_context_takeover; client_no_context_takeover")));
        assertEquals(Optional.of(new DeflateParams(true, false)), DeflateParams.backendAnswer(
                List.of("permessage-deflate; client_no_context_takeover; server_max_window_bits=10")),
                "wsproxy compresses each message on its own whatever the answer; the backend may keep its context");
        assertEquals(Optional.of(new DeflateParams(true, false)), DeflateParams.backendAnswer(List.of("permessage-deflate")));
    }

    @Test
    void aBackendsAnswerOutsideTheOfferIsRefusedByName() {
        for (String answer : List.of("permessage-deflate; client_max_window_bits=10", "x-webkit-deflate-frame",
                "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
                "permessage-deflate; server_max_window_bits=16", "permessage-deflate; mux")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DeflateParams.backendAnswer(List.of(answer)), answer);
            assertTrue(e.getMessage().contains("[") , e.getMessage());
        }
        assertThrows(IllegalArgumentException.class,
                () -> DeflateParams.backendAnswer(List.of("permessage-deflate", "permessage-deflate")));
    }
}
