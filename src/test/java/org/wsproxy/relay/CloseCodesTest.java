package org.wsproxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import jakarta.websocket.CloseReason;

import org.junit.jupiter.api.Test;

/**
 * Close codes made without the API's lookup table. These tests run with Tomcat's copy of the
 * WebSocket API (see the surefire configuration in pom.xml), whose
 * {@code CloseReason.CloseCodes.getCloseCode} throws "Invalid close code: [1014]": a relay that
 * used it could not tell a client that its backend died.
 */
class CloseCodesTest {

    @Test
    void everyCodeThatMayBeSentCanBeMade() {
        for (int code = 1000; code < 5000; code++) {
            if (CloseCodes.sendable(code)) {
                assertEquals(code, CloseCodes.reason(code, "r").getCloseCode().getCode());
            }
        }
    }

    @Test
    void aVanishedBackendGivesTheClient1014AndAVanishedClientGivesTheBackend1001() {
        CloseReason toClient = CloseCodes.toApi(CloseCodes.vanished(Side.BACKEND));
        assertEquals(1014, toClient.getCloseCode().getCode());
        assertEquals("backend went away", toClient.getReasonPhrase());
        assertEquals(1001, CloseCodes.toApi(CloseCodes.vanished(Side.CLIENT)).getCloseCode().getCode());
        assertEquals(1014, CloseCodes.toApi(CloseCodes.forward(CloseCodes.of(new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "")),
                Side.BACKEND)).getCloseCode().getCode());
    }

    @Test
    void theApisOwnConstantIsUsedWhereItHasOne() {
        assertSame(CloseReason.CloseCodes.NORMAL_CLOSURE, CloseCodes.closeCode(1000));
        assertSame(CloseReason.CloseCodes.CLOSED_ABNORMALLY, CloseCodes.closeCode(1006));
        assertEquals("1014", CloseCodes.closeCode(1014).toString());
    }

    @Test
    void aCloseWithoutACodeCountsAsDropped() {
        assertEquals(1006, CloseCodes.code(null));
        assertEquals(1006, CloseCodes.code(new CloseReason(null, "")));
        assertEquals(1001, CloseCodes.forward(CloseCodes.of(new CloseReason(null, "")), Side.CLIENT).code());
    }
}
