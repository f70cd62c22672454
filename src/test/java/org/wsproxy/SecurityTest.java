package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/**
 * A route behind the container's own security (a security-constraint with BASIC authentication):
 * the container refuses unauthenticated handshakes before wsproxy opens anything, and with
 * forwardUser the backend learns who the user is.
 */
class SecurityTest {

    private static final String ALICE = "Basic " + Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));

    private static ProxyServer proxy(TestBackend backend, String... options) {
        ProxyServer.Builder builder = ProxyServer.builder().basicAuth("/chat/*", "alice", "secret")
                .param("wsproxy.route.chat.path", "/chat/*").param("wsproxy.route.chat.backend", backend.uri("/echo").toString());
        for (int i = 0; i + 1 < options.length; i += 2) {
            builder.param("wsproxy.route.chat." + options[i], options[i + 1]);
        }
        return builder.start();
    }

    @Test
    void unauthenticatedHandshakeGets401AndOpensNoBackendConnection() throws Exception {
        try (TestBackend backend = TestBackend.start(); ProxyServer proxy = proxy(backend)) {
            WsClient.Refused refused = refusal(proxy, Map.of());
            assertEquals(401, refused.status);
            assertTrue(refused.headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("WWW-Authenticate")), refused.headers.toString());
            String wrong = "Basic " + Base64.getEncoder().encodeToString("alice:wrong".getBytes(StandardCharsets.UTF_8));
            assertEquals(401, refusal(proxy, Map.of("Authorization", wrong)).status);
            assertTrue(backend.noHandshake(), "no backend connection was opened");
        }
    }

    @Test
    void authenticatedUserIsForwardedWhenForwardUserIsOn() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = proxy(backend, "forwardUser", "true");
             WsClient client = WsClient.connect(proxy.ws("/chat/room"), List.of(),
                     Map.of("Authorization", ALICE, "X-Forwarded-User", "mallory"))) {
            assertEquals("alice", backend.nextHandshake().header("X-Forwarded-User"));
            client.sendText("hi");
            assertEquals("hi", client.nextText());
        }
    }

    @Test
    void authenticatedUserIsNotForwardedByDefaultAndAForgedOneNever() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = proxy(backend);
             WsClient client = WsClient.connect(proxy.ws("/chat/room"), List.of(),
                     Map.of("Authorization", ALICE, "X-Forwarded-User", "mallory"))) {
            assertNull(backend.nextHandshake().header("X-Forwarded-User"));
        }
    }

    private static WsClient.Refused refusal(ProxyServer proxy, Map<String, String> headers) {
        try (WsClient client = WsClient.connect(proxy.ws("/chat/room"), List.of(), headers)) {
            throw new AssertionError("the handshake was accepted");
        } catch (WsClient.Refused refused) {
            return refused;
        }
    }
}
