package org.wsproxy.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLHandshakeException;

import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;

import org.glassfish.tyrus.core.HandshakeException;
import org.junit.jupiter.api.Test;

/** How what the Tyrus client throws becomes the client's HTTP status, and Tyrus quirks undone. */
class TyrusFailuresTest {

    @Test
    void failuresAreClassified() {
        assertEquals(502, TyrusFailures.classify(new DeploymentException("x", new ConnectException("refused")), false, java.util.Optional.empty()).status());
        assertEquals(502, TyrusFailures.classify(new DeploymentException("x", new UnknownHostException("nowhere")), false, java.util.Optional.empty()).status());
        assertEquals(502, TyrusFailures.classify(new DeploymentException("x", new SSLHandshakeException("untrusted")), false, java.util.Optional.empty()).status());
        assertEquals(403, TyrusFailures.classify(new DeploymentException("x", new HandshakeException(403, "no")), false, java.util.Optional.empty()).status());
        assertEquals(504, TyrusFailures.classify(new DeploymentException("Handshake response not received."), false, java.util.Optional.empty()).status());
        assertEquals(504, TyrusFailures.classify(new DeploymentException("x", new TimeoutException()), false, java.util.Optional.empty()).status());
        assertEquals(504, TyrusFailures.classify(new DeploymentException("something"), true, java.util.Optional.empty()).status());
        assertEquals(502, TyrusFailures.classify(new DeploymentException("something"), false, java.util.Optional.empty()).status());
    }

    @Test
    void backendBadGatewayCloseIsRecoveredFromTyrusProtocolError() {
        CloseReason reported = new CloseReason(CloseReason.CloseCodes.PROTOCOL_ERROR, "Illegal status code: 1014");
        assertEquals(1014, TyrusCloses.normalize(reported).getCloseCode().getCode());
        CloseReason genuine = new CloseReason(CloseReason.CloseCodes.PROTOCOL_ERROR, "bad frame");
        assertEquals(genuine, TyrusCloses.normalize(genuine));
        CloseReason unsendable = new CloseReason(CloseReason.CloseCodes.PROTOCOL_ERROR, "Illegal status code: 1005");
        assertEquals(1002, TyrusCloses.normalize(unsendable).getCloseCode().getCode());
    }

    @Test
    void tyrusIsGivenAUriWhoseDecodedFormIsTheEncodedOne() throws Exception {
        URI built = URI.create("ws://b:9000/echo/a%2e%2e/%3Fx?q=a%26b&c=d");
        URI forTyrus = BackendConnector.forTyrus(built);
        assertEquals(built.getRawPath(), forTyrus.getPath());
        assertEquals(built.getRawQuery(), forTyrus.getQuery());
        assertEquals("b:9000", forTyrus.getRawAuthority());
    }
}
