package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;

import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.container.grizzly.client.GrizzlyClientContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.RawClient;
import org.wsproxy.support.TestBackend;
import org.wsproxy.support.WsClient;

/** Messages pass both ways unchanged, whole, in order, whatever their size and fragmentation. */
class MessagesTest {

    private static TestBackend backend;
    private static ProxyServer proxy;

    @BeforeAll
    static void start() {
        backend = TestBackend.start();
        proxy = ProxyServer.route("/echo", backend.uri("/echo"));
    }

    @AfterAll
    static void stop() {
        proxy.close();
        backend.close();
    }

    @Test
    void textAndBinaryAreEchoedUnchanged() throws Exception {
        try (WsClient client = WsClient.connect(proxy.ws("/echo"))) {
            client.sendText("hello, wsproxy");
            assertEquals("hello, wsproxy", client.nextText());
            client.sendBinary(new byte[] {0, 1, 2, (byte) 0xff});
            assertArrayEquals(new byte[] {0, 1, 2, (byte) 0xff}, client.nextBinary());
            client.sendText("");
            assertEquals("", client.nextText());
        }
    }

    @Test
    void fiveMebibyteBinaryMessagePassesUnchanged() throws Exception {
        byte[] payload = new byte[5 * 1024 * 1024];
        new Random(42).nextBytes(payload);
        try (WsClient client = WsClient.connect(proxy.ws("/echo"))) {
            client.sendBinary(payload);
            assertArrayEquals(payload, client.nextBinary());
        }
    }

    @Test
    void fiveMebibyteTextMessageWithMultiByteCharactersPassesUnchanged() throws Exception {
        // 1, 2, 3 and 4 UTF-8 bytes per code point, so that every container buffer boundary falls
        // inside some character: a split that is not rejoined would show as a replacement character.
        String unit = "a\u00e9\u20ac\ud83d\ude00";
        StringBuilder text = new StringBuilder();
        while (text.length() * 2 < 5 * 1024 * 1024) {
            text.append(unit);
        }
        String payload = text.toString();
        try (WsClient client = WsClient.connect(proxy.ws("/echo"))) {
            client.sendText(payload);
            String echoed = client.nextText();
            assertEquals(payload.length(), echoed.length());
            assertEquals(payload, echoed);
        }
    }

    @Test
    void manyMessagesArriveInOrder() throws Exception {
        try (WsClient client = WsClient.connect(proxy.ws("/echo"))) {
            for (int i = 0; i < 2000; i++) {
                if (i % 2 == 0) {
                    client.sendText("m" + i);
                } else {
                    client.sendBinary(ByteBuffer.allocate(4).putInt(i).array());
                }
            }
            for (int i = 0; i < 2000; i++) {
                if (i % 2 == 0) {
                    assertEquals("m" + i, client.nextText());
                } else {
                    assertEquals(i, ByteBuffer.wrap(client.nextBinary()).getInt());
                }
            }
        }
    }

    @Test
    void backendMessageSentBeforeTheClientLegOpensIsDelivered() throws Exception {
        // The backend greets as soon as its own handshake completes, before the client has its 101.
        try (WsClient client = WsClient.connect(proxy.ws("/echo?greet=welcome"))) {
            assertEquals("welcome", client.nextText());
        }
    }

    @Test
    void fragmentedMessageWithCharactersSplitAcrossFragmentsAndPingsBetweenThemArrivesWhole() throws Exception {
        // A 4-byte character (an emoji) and a 3-byte one are cut between frames, and a ping sits
        // between two fragments, as RFC 6455 allows.
        byte[] utf8 = "start \ud83d\ude00 middle \u20ac end".getBytes(StandardCharsets.UTF_8);
        int emoji = 6;
        int euro = utf8.length - 6;
        try (RawClient client = RawClient.connect(proxy.port(), "/echo")) {
            client.frame(false, 0x1, Arrays.copyOfRange(utf8, 0, emoji + 2));
            client.frame(true, 0x9, "are you there".getBytes(StandardCharsets.UTF_8));
            client.frame(false, 0x0, Arrays.copyOfRange(utf8, emoji + 2, euro + 1));
            client.frame(true, 0x0, Arrays.copyOfRange(utf8, euro + 1, utf8.length));
            // The echo streams part by part, so the pong may come before or between its frames.
            java.io.ByteArrayOutputStream echoed = new java.io.ByteArrayOutputStream();
            String pong = null;
            RawClient.Frame frame;
            do {
                frame = client.read();
                if (frame.opcode() == 0xA) {
                    pong = frame.text();
                } else {
                    echoed.writeBytes(frame.payload());
                }
            } while (frame.opcode() == 0xA || !frame.fin());
            assertArrayEquals(utf8, echoed.toByteArray());
            if (pong == null) {
                pong = client.read().text();
            }
            assertEquals("are you there", pong, "the ping between fragments is answered");
        }
    }

    @Test
    void tyrusClientMessagesPassBothWays() throws Exception {
        ClientManager tyrus = ClientManager.createClient(GrizzlyClientContainer.class.getName());
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        Session session = tyrus.connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session s, EndpointConfig config) {
                s.addMessageHandler(String.class, (MessageHandler.Whole<String>) received::add);
                s.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) received::add);
            }
        }, ClientEndpointConfig.Builder.create().build(), URI.create(proxy.ws("/echo").toString()));
        try {
            session.getBasicRemote().sendText("part one, ", false);
            session.getBasicRemote().sendText("part two", true);
            assertEquals("part one, part two", received.poll(10, TimeUnit.SECONDS));
            session.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {9, 8, 7}));
            assertEquals(ByteBuffer.wrap(new byte[] {9, 8, 7}), received.poll(10, TimeUnit.SECONDS));
        } finally {
            session.close();
            tyrus.shutdown();
        }
    }
}
