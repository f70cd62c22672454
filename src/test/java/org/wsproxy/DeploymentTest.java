package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.wsproxy.server.WsProxyInitializer;
import org.wsproxy.support.LogCapture;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/** What a deployment does with good, bad and missing configuration. */
class DeploymentTest {

    @Test
    void malformedValueFailsDeploymentWithMessageNamingRouteParameterAndValue() {
        try (LogCapture log = new LogCapture(WsProxyInitializer.class.getName())) {
            assertThrows(IllegalStateException.class, () -> ProxyServer.builder()
                    .param("wsproxy.route.chat.path", "/chat")
                    .param("wsproxy.route.chat.backend", "ws://127.0.0.1:9/chat")
                    .param("wsproxy.route.chat.connectTimeout", "10 sec")
                    .start().close());
            assertTrue(log.messages().stream().anyMatch(m -> m.startsWith("SEVERE") && m.contains("route [chat]")
                    && m.contains("[wsproxy.route.chat.connectTimeout]") && m.contains("[10 sec]")), log.messages().toString());
        }
    }

    @Test
    void malformedServletInitParamFailsDeploymentNamingTheServlet() {
        try (LogCapture log = new LogCapture(WsProxyInitializer.class.getName())) {
            assertThrows(IllegalStateException.class, () -> ProxyServer.builder()
                    .servlet("chat", "/chat/*", "backend", "http://127.0.0.1:9/chat")
                    .start().close());
            assertTrue(log.messages().stream().anyMatch(m -> m.contains("route [chat]") && m.contains("init-param [backend]")
                    && m.contains("[http://127.0.0.1:9/chat]")), log.messages().toString());
        }
    }

    @Test
    void missingBackendAndUnknownOptionAndDuplicatePathFailDeployment() {
        try (LogCapture log = new LogCapture(WsProxyInitializer.class.getName())) {
            assertThrows(IllegalStateException.class, () -> ProxyServer.builder()
                    .param("wsproxy.route.chat.path", "/chat").start().close());
            assertThrows(IllegalStateException.class, () -> ProxyServer.builder()
                    .param("wsproxy.route.chat.path", "/chat").param("wsproxy.route.chat.backend", "ws://127.0.0.1:9/")
                    .param("wsproxy.route.chat.conectTimeout", "5s").start().close());
            assertThrows(IllegalStateException.class, () -> ProxyServer.builder()
                    .param("wsproxy.route.a.path", "/chat").param("wsproxy.route.a.backend", "ws://127.0.0.1:9/")
                    .servlet("b", "/chat", "backend", "ws://127.0.0.1:9/")
                    .start().close());
            String all = String.join("\n", log.messages());
            assertTrue(all.contains("[wsproxy.route.chat.backend]"), all);
            assertTrue(all.contains("conectTimeout"), all);
            assertTrue(all.contains("[/chat]"), all);
        }
    }

    @Test
    void servletDeclarationRouteProxiesAndDefaultsComeFromContextParams() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.builder()
                     .param("wsproxy.maxMessageSize", "10B")
                     .servlet("chat", "/chat/*", "backend", backend.uri("/echo").toString())
                     .start();
             WsClient client = WsClient.connect(proxy.ws("/chat/room"))) {
            assertEquals("/echo/room", backend.nextHandshake().path());
            client.sendText("0123456789");
            assertEquals("0123456789", client.nextText());
            client.sendText("0123456789+");
            assertEquals(1009, client.awaitClose(5).code(), "wsproxy.maxMessageSize applies to servlet routes too");
        }
    }

    @Test
    void applicationWithoutRoutesStartsAndSaysHowToAddOne() throws Exception {
        try (LogCapture log = new LogCapture(WsProxyInitializer.class.getName());
             ProxyServer proxy = ProxyServer.builder().index().start()) {
            assertTrue(proxy.started());
            assertTrue(log.messages().stream().anyMatch(m -> m.contains("no routes configured")
                    && m.contains("wsproxy.route.<name>.path")), log.messages().toString());
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(proxy.http("/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("No routes are configured"), page.body());
        }
    }

    @Test
    void indexPageListsRoutesWithoutRevealingBackends() throws Exception {
        try (ProxyServer proxy = ProxyServer.builder().index()
                .param("wsproxy.route.chat.path", "/chat/*").param("wsproxy.route.chat.backend", "ws://10.1.2.3:9000/secret")
                .start()) {
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(proxy.http("/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(page.body().contains("/chat/*"), page.body());
            assertTrue(!page.body().contains("10.1.2.3"), page.body());
        }
    }
}
