package org.wsproxy.jsr356;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import jakarta.websocket.CloseReason;

import org.junit.jupiter.api.Test;
import org.wsproxy.relay.CloseCodes;
import org.wsproxy.relay.Side;

/**
 * What the backend is sent when a container reports a client's close: the container's report made
 * what the relay expects ({@link ContainerCloses}), then the relay's mapping ({@link CloseCodes#forward}).
 * The reports are those seen on the real containers: Tomcat's 1006 "Closed abnormally.", Open
 * Liberty 26.0.0.5's 1011 with its read error, and none at all.
 */
class ContainerClosesTest {

    private static final String LIBERTY = "IBM WebSphere Liberty/26.0.0.5";
    private static final String TOMCAT = "Apache Tomcat/10.1.60";
    private static final String LIBERTY_READ_ERROR = "Connection closed: Read failed.  Possible end of stream encountered."
            + " local=/127.0.0.1:19080 remote=/127.0.0.1:41194";

    @Test
    void aDroppedClientGivesItsBackend1001WhateverCodeTheContainerReports() {
        assertEquals(1001, toBackend(TOMCAT, new CloseReason(CloseCodes.closeCode(1006), "Closed abnormally.")));
        assertEquals(1001, toBackend(LIBERTY, new CloseReason(CloseCodes.closeCode(1011), LIBERTY_READ_ERROR)));
        assertEquals(1001, toBackend(LIBERTY, new CloseReason(CloseCodes.closeCode(1006), "")));
        assertEquals(1001, toBackend(TOMCAT, null), "no close reason at all");
        assertEquals(1001, toBackend(TOMCAT, new CloseReason(null, "")), "a close reason without a code");
    }

    @Test
    void aClientsOwnCodesPassUnchanged() {
        assertEquals(1011, toBackend(TOMCAT, new CloseReason(CloseCodes.closeCode(1011), "client failed")),
                "where a drop is reported as 1006, a client's 1011 is its own");
        assertEquals(4000, toBackend(LIBERTY, new CloseReason(CloseCodes.closeCode(4000), "bye")));
        assertEquals(1000, toBackend(LIBERTY, new CloseReason(CloseCodes.closeCode(1000), "")));
    }

    @Test
    void onlyLibertyTakesA1011ForADrop() {
        assertSame(ContainerCloses.STANDARD, ContainerCloses.of(TOMCAT));
        assertSame(ContainerCloses.STANDARD, ContainerCloses.of("GlassFish Server Open Source Edition  7.0.21"));
        assertSame(ContainerCloses.STANDARD, ContainerCloses.of(null));
        assertEquals(1006, ContainerCloses.of("Open Liberty/26.0.0.5").apply(
                new CloseReason(CloseCodes.closeCode(1011), LIBERTY_READ_ERROR)).code());
    }

    private static int toBackend(String serverInfo, CloseReason reported) {
        return CloseCodes.forward(ContainerCloses.of(serverInfo).apply(reported), Side.CLIENT).code();
    }
}
