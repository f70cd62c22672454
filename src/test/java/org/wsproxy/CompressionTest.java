package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;

import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.ext.extension.deflate.PerMessageDeflateExtension;
import org.junit.jupiter.api.Test;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/**
 * permessage-deflate is negotiated on each leg on its own: by the container with the client, by
 * the backend client with the backend when backendCompression is on. Messages pass unchanged
 * whichever legs compress.
 */
class CompressionTest {

    @Test
    void backendCompressionOffersDeflateToTheBackendAndMessagesPassUnchanged() throws Exception {
        byte[] binary = new byte[3 * 1024 * 1024];
        new Random(3).nextBytes(binary);
        String text = "compress me \u20ac\ud83d\ude00 ".repeat(50_000);
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", backend.uri("/echo"), "backendCompression", "true");
             WsClient client = WsClient.connect(proxy.ws("/echo"))) {
            String offered = backend.nextHandshake().header("Sec-WebSocket-Extensions");
            assertTrue(offered != null && offered.contains("permessage-deflate"), "offered: " + offered);
            client.sendBinary(binary);
            assertArrayEquals(binary, client.nextBinary());
            client.sendText(text);
            assertEquals(text, client.nextText());
        }
    }

    /**
     * Sizes around the container's 4 KiB message buffer (web.xml): from 4,097 bytes on, a message is
     * forwarded in several parts, so the compressed backend leg carries fragmented messages (where Tyrus's
     * own deflate extension breaks; see backend.PerMessageDeflate).
     */
    @Test
    void fragmentedMessagesPassCompressedBothWays() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", backend.uri("/echo"), "backendCompression", "true");
             WsClient client = WsClient.connect(proxy.ws("/echo"))) {
            for (int size : new int[] {0, 10, 4096, 4097, 8192, 8193, 20_000, 100_000, 1_000_000}) {
                byte[] binary = new byte[size];
                new Random(size).nextBytes(binary);
                client.sendBinary(binary);
                assertArrayEquals(binary, client.nextBinary(), "binary of " + size + " bytes");
                String text = "\u00e9a\ud83d\ude00".repeat(size / 7 + 1);
                client.sendText(text);
                assertEquals(text, client.nextText(), "text of " + text.length() + " chars");
            }
        }
    }

    @Test
    void withoutBackendCompressionNoExtensionIsOfferedToTheBackend() throws Exception {
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", backend.uri("/echo"));
             WsClient client = WsClient.connect(proxy.ws("/echo"))) {
            assertNull(backend.nextHandshake().header("Sec-WebSocket-Extensions"));
        }
    }

    @Test
    void clientThatOffersDeflateGetsItFromTheContainerAndMessagesPassUnchanged() throws Exception {
        String text = "the same words again and again \u00e9 ".repeat(100_000);
        try (TestBackend backend = TestBackend.start();
             ProxyServer proxy = ProxyServer.route("/echo", backend.uri("/echo"))) {
            ClientManager tyrus = ClientManager.createClient();
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            Session session = tyrus.connectToServer(new Endpoint() {
                @Override
                public void onOpen(Session s, EndpointConfig config) {
                    s.setMaxTextMessageBufferSize(8 * 1024 * 1024);
                    s.addMessageHandler(String.class, (MessageHandler.Whole<String>) received::add);
                }
            }, ClientEndpointConfig.Builder.create().extensions(List.of(new PerMessageDeflateExtension())).build(),
                    URI.create(proxy.ws("/echo").toString()));
            try {
                List<String> negotiated = session.getNegotiatedExtensions().stream().map(Extension::getName).toList();
                assertEquals(List.of("permessage-deflate"), negotiated, "the container compresses the client leg");
                assertNull(backend.nextHandshake().header("Sec-WebSocket-Extensions"),
                        "the client's extensions are not passed on: each leg negotiates its own");
                session.getBasicRemote().sendText(text);
                assertEquals(text, received.poll(20, TimeUnit.SECONDS));
                session.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            } finally {
                session.close();
                tyrus.shutdown();
            }
        }
    }
}
