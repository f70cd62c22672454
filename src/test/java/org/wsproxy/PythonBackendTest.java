package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsproxy.support.ProxyServer;
import org.wsproxy.support.PeerProcess;
import org.wsproxy.support.TestCertificates;
import org.wsproxy.support.TestCertificates.ServerCertificate;
import org.wsproxy.support.WsClient;

/**
 * A backend that is not a JVM: Python's websockets (Debian's python3-websockets) behind wsproxy,
 * over TLS (wss://, its certificate trusted through the route's trustStore) and with
 * permessage-deflate (backendCompression; websockets accepts it by default). Messages pass
 * unchanged, close codes reach the far side, and a backend killed with SIGKILL ends the client's
 * connection with 1014.
 */
class PythonBackendTest {

    @TempDir
    static Path keys;

    static ServerCertificate localhost;
    static List<Path> pem;

    @BeforeAll
    static void certificates() {
        localhost = TestCertificates.selfSigned(keys, "localhost", "localhost", "dns:localhost,ip:127.0.0.1");
        pem = localhost.pemFiles();
    }

    private static String[] trusting(String... more) {
        List<String> options = new java.util.ArrayList<>(List.of(
                "trustStore", localhost.trustStore().toString(),
                "trustStorePassword", TestCertificates.PASSWORD,
                "trustStoreType", TestCertificates.TYPE));
        options.addAll(List.of(more));
        return options.toArray(new String[0]);
    }

    private static PeerProcess.Line opened(PeerProcess backend) throws InterruptedException {
        return backend.await(line -> line.contains("\"event\": \"open\""), Duration.ofSeconds(10));
    }

    /** Text that compresses well, large binary that does not, and a burst of small messages. */
    private static void assertEchoes(WsClient client) throws InterruptedException {
        String text = "the same words again and again \u00e9\u20ac\ud83d\ude00 ".repeat(20_000);
        client.sendText(text);
        assertEquals(text, client.nextText());
        byte[] binary = new byte[1024 * 1024 + 3];
        new Random(11).nextBytes(binary);
        client.sendBinary(binary);
        assertArrayEquals(binary, client.nextBinary());
        for (int i = 0; i < 200; i++) {
            client.sendText("message " + i);
        }
        for (int i = 0; i < 200; i++) {
            assertEquals("message " + i, client.nextText());
        }
    }

    private static void assertClientCloseReachesTheBackend(WsClient client, PeerProcess backend) throws Exception {
        client.close(4000, "bye from the client");
        assertEquals(new WsClient.Close(4000, "bye from the client"), client.awaitClose(5));
        String closed = backend.await(line -> line.contains("\"event\": \"close\""), Duration.ofSeconds(10)).text();
        assertTrue(closed.contains("\"code\": 4000") && closed.contains("\"reason\": \"bye from the client\""), closed);
    }

    @Test
    void compressedBackendLegCarriesMessagesUnchanged() throws Exception {
        try (PeerProcess backend = PeerProcess.echoBackend(0);
             ProxyServer proxy = ProxyServer.route("/py", URI.create("ws://127.0.0.1:" + backend.port() + "/echo"),
                     "backendCompression", "true");
             WsClient client = WsClient.connect(proxy.ws("/py"))) {
            String open = opened(backend).text();
            assertTrue(open.contains("\"extensions\": \"permessage-deflate"), "the backend accepted compression: " + open);
            assertEchoes(client);
            assertClientCloseReachesTheBackend(client, backend);
        }
    }

    @Test
    void wssBackendCarriesMessagesAndCloses() throws Exception {
        try (PeerProcess backend = PeerProcess.echoBackend(0, pem.toArray(new Path[0]));
             ProxyServer proxy = ProxyServer.route("/py", URI.create("wss://localhost:" + backend.port() + "/echo"),
                     trusting());
             WsClient client = WsClient.connect(proxy.ws("/py"))) {
            String open = opened(backend).text();
            assertTrue(open.contains("\"extensions\": null"), "no compression offered without backendCompression: " + open);
            assertEchoes(client);
            assertClientCloseReachesTheBackend(client, backend);
        }
    }

    @Test
    void wssBackendWithCompressionCarriesMessages() throws Exception {
        try (PeerProcess backend = PeerProcess.echoBackend(0, pem.toArray(new Path[0]));
             ProxyServer proxy = ProxyServer.route("/py", URI.create("wss://127.0.0.1:" + backend.port() + "/echo"),
                     trusting("backendCompression", "true"));
             WsClient client = WsClient.connect(proxy.ws("/py"))) {
            assertTrue(opened(backend).text().contains("\"extensions\": \"permessage-deflate"));
            assertEchoes(client);
            assertClientCloseReachesTheBackend(client, backend);
        }
    }

    @Test
    void wssBackendKilledEndsTheClientWith1014() throws Exception {
        try (PeerProcess backend = PeerProcess.echoBackend(0, pem.toArray(new Path[0]));
             ProxyServer proxy = ProxyServer.route("/py", URI.create("wss://localhost:" + backend.port() + "/echo"),
                     trusting());
             WsClient client = WsClient.connect(proxy.ws("/py"))) {
            opened(backend);
            client.sendText("before");
            assertEquals("before", client.nextText());
            backend.kill();
            assertEquals(1014, client.awaitClose(10).code());
        }
    }
}
