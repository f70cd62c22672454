package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

class SmokeTest {

    @Test
    void textEchoThroughProxy() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/chat", backend.uri("/echo"));
             WsClient client = WsClient.connect(proxy.ws("/chat"))) {
            client.sendText("hello");
            assertEquals("hello", client.nextText());
        }
    }
}
