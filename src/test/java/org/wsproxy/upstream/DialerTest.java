package org.wsproxy.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wsproxy.frames.DeflateParams;
import org.wsproxy.frames.Handshakes;

/**
 * The frame engine's backend handshake against a backend that answers whatever the test scripts:
 * only a correct 101 opens a connection; anything else is the 502 or the backend's own status the
 * client then sees, with the headers a refusal carries.
 */
class DialerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern KEY = Pattern.compile("Sec-WebSocket-Key: (\\S+)\r\n");

    private OneShotBackend backend;

    @AfterEach
    void stop() throws IOException {
        if (backend != null) {
            backend.close();
        }
    }

    private static String ok(String key, String extra) {
        return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + Handshakes.accept(key) + "\r\n" + extra + "\r\n";
    }

    private BackendHandshake handshake(List<String> subprotocols, Map<String, List<String>> headers) {
        return new BackendHandshake(URI.create("ws://127.0.0.1:" + backend.port() + "/chat?room=1"), headers, subprotocols);
    }

    @Test
    void aCorrect101OpensTheConnectionAndWhatFollowsItIsKept() throws Exception {
        backend = new OneShotBackend(key -> ok(key, "Sec-WebSocket-Protocol: b\r\nSet-Cookie: s=1\r\n") + "\u0081\u0002hi");
        Dialed dialed = new Dialer(Resolver.SYSTEM).dial(handshake(List.of("a", "b"), Map.of("Origin", List.of("http://x"))), TIMEOUT);
        try {
            assertEquals("b", dialed.subprotocol());
            assertEquals(List.of("s=1"), dialed.responseHeaders().get("set-cookie"));
            byte[] leftover = new byte[dialed.leftover().remaining()];
            dialed.leftover().get(leftover);
            assertArrayEquals(new byte[] {(byte) 0x81, 2, 'h', 'i'}, leftover, "the frame sent right after the 101");
            String request = backend.request();
            assertTrue(request.startsWith("GET /chat?room=1 HTTP/1.1\r\n"), request);
            assertTrue(request.contains("\r\nHost: 127.0.0.1:" + backend.port() + "\r\n"), request);
            assertTrue(request.contains("\r\nSec-WebSocket-Protocol: a, b\r\n"), request);
            assertTrue(request.contains("\r\nOrigin: http://x\r\n"), request);
            assertTrue(request.contains("\r\nSec-WebSocket-Version: 13\r\n"), request);
        } finally {
            dialed.close();
        }
    }

    @Test
    void headerBytesOutsidePrintableAsciiReachTheBackendUnchanged() throws Exception {
        backend = new OneShotBackend(key -> ok(key, ""));
        // A container hands header bytes over as ISO-8859-1 characters: "caf\u00e9" is the byte 0xE9.
        Dialed dialed = new Dialer(Resolver.SYSTEM).dial(handshake(List.of(), Map.of("X-Name", List.of("caf\u00e9 \u00ff"))), TIMEOUT);
        dialed.close();
        byte[] raw = backend.requestBytes();
        String latin1 = new String(raw, StandardCharsets.ISO_8859_1);
        assertTrue(latin1.contains("X-Name: caf\u00e9 \u00ff\r\n"), latin1);
    }

    @Test
    void aWrongAcceptIsABadGateway() throws Exception {
        backend = new OneShotBackend(key -> ok("not-the-key", ""));
        BackendFailure failure = assertThrows(BackendFailure.class,
                () -> new Dialer(Resolver.SYSTEM).dial(handshake(List.of(), Map.of()), TIMEOUT));
        assertEquals(502, failure.status());
        assertTrue(failure.getMessage().contains("Sec-WebSocket-Accept"), failure.getMessage());
    }

    @Test
    void aSubprotocolNotOfferedOrAnExtensionNotOfferedIsABadGateway() throws Exception {
        backend = new OneShotBackend(key -> ok(key, "Sec-WebSocket-Protocol: c\r\n"));
        assertEquals(502, assertThrows(BackendFailure.class,
                () -> new Dialer(Resolver.SYSTEM).dial(handshake(List.of("a"), Map.of()), TIMEOUT)).status());
        backend.close();
        backend = new OneShotBackend(key -> ok(key, "Sec-WebSocket-Extensions: permessage-deflate\r\n"));
        BackendFailure failure = assertThrows(BackendFailure.class,
                () -> new Dialer(Resolver.SYSTEM).dial(handshake(List.of(), Map.of()), TIMEOUT));
        assertEquals(502, failure.status());
        assertTrue(failure.getMessage().contains("extensions"), failure.getMessage());
    }

    @Test
    void withCompressionDeflateIsOfferedAndTheBackendsAnswerIsKept() throws Exception {
        backend = new OneShotBackend(key -> ok(key, "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover\r\n"));
        Dialed dialed = new Dialer(Resolver.SYSTEM).dial(handshake(List.of(), Map.of()), TIMEOUT, null, true);
        try {
            assertTrue(backend.request().contains("\r\nSec-WebSocket-Extensions: permessage-deflate; "
                    + "client_no_context_takeover; server_no_context_takeover\r\n"), backend.request());
            assertEquals(new DeflateParams(true, false), dialed.deflate(), "the backend keeps its context: so does the inflater");
        } finally {
            dialed.close();
        }
        backend.close();
        backend = new OneShotBackend(key -> ok(key, ""));
        dialed = new Dialer(Resolver.SYSTEM).dial(handshake(List.of(), Map.of()), TIMEOUT, null, true);
        assertNull(dialed.deflate(), "declined: nothing compressed");
        dialed.close();
    }

    @Test
    void withCompressionAnAnswerOutsideTheOfferIsABadGateway() throws Exception {
        backend = new OneShotBackend(key -> ok(key, "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=9\r\n"));
        BackendFailure failure = assertThrows(BackendFailure.class,
                () -> new Dialer(Resolver.SYSTEM).dial(handshake(List.of(), Map.of()), TIMEOUT, null, true));
        assertEquals(502, failure.status());
        assertTrue(failure.getMessage().contains("client_max_window_bits=9"), failure.getMessage());
    }

    @Test
    void aHeadLargerThanTheBoundIsABadGateway() throws Exception {
        backend = new OneShotBackend(key -> ok(key, "X-Big: " + "x".repeat(Dialer.MAX_HEAD_BYTES) + "\r\n"));
        BackendFailure failure = assertThrows(BackendFailure.class,
                () -> new Dialer(Resolver.SYSTEM).dial(handshake(List.of(), Map.of()), TIMEOUT));
        assertEquals(502, failure.status());
        assertTrue(failure.getMessage().contains("more than " + Dialer.MAX_HEAD_BYTES), failure.getMessage());
    }

    @Test
    void aRefusalIsTheClientsAnswerWithItsHeaders() throws Exception {
        backend = new OneShotBackend(key -> "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"chat\"\r\n"
                + "Retry-After: 7\r\nContent-Length: 0\r\n\r\n");
        BackendFailure failure = assertThrows(BackendFailure.class,
                () -> new Dialer(Resolver.SYSTEM).dial(handshake(List.of(), Map.of()), TIMEOUT));
        assertEquals(401, failure.status());
        assertFalse(failure.backendFailed(), "a backend that answers is not a failed backend");
        assertEquals(List.of("Basic realm=\"chat\""), failure.headers().get("www-authenticate"));
        assertEquals(List.of("7"), failure.headers().get("Retry-After"));
    }

    @Test
    void aBackendThatNeverAnswersIsAGatewayTimeoutWithinTheTimeout() throws Exception {
        backend = new OneShotBackend(null);
        long start = System.nanoTime();
        BackendFailure failure = assertThrows(BackendFailure.class,
                () -> new Dialer(Resolver.SYSTEM).dial(handshake(List.of(), Map.of()), Duration.ofMillis(300)));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(504, failure.status());
        assertTrue(took >= 250 && took < 3000, "answered after " + took + " ms");
    }

    @Test
    void theHostIsResolvedAtEachConnectThroughTheResolver() throws Exception {
        backend = new OneShotBackend(key -> ok(key, ""));
        List<String> asked = new ArrayList<>();
        Resolver counting = host -> {
            asked.add(host);
            return new InetAddress[] {InetAddress.getLoopbackAddress()};
        };
        Dialer dialer = new Dialer(counting);
        BackendHandshake named = new BackendHandshake(URI.create("ws://backend.invalid:" + backend.port() + "/"), Map.of(), List.of());
        dialer.dial(named, TIMEOUT).channel().close();
        backend.close();
        backend = new OneShotBackend(key -> ok(key, ""));
        dialer.dial(named.to(URI.create("ws://backend.invalid:" + backend.port() + "/")), TIMEOUT).channel().close();
        assertEquals(List.of("backend.invalid", "backend.invalid"), asked, "one lookup per connect, none cached");
        assertTrue(backend.request().contains("\r\nHost: backend.invalid:" + backend.port() + "\r\n"));
    }

    @Test
    void anUnresolvableHostIsABadGateway() {
        Resolver none = host -> {
            throw new java.net.UnknownHostException(host);
        };
        BackendFailure failure = assertThrows(BackendFailure.class, () -> new Dialer(none).dial(
                new BackendHandshake(URI.create("ws://nowhere.invalid:80/"), Map.of(), List.of()), TIMEOUT));
        assertEquals(502, failure.status());
        assertTrue(failure.backendFailed());
        assertTrue(failure.getMessage().contains("nowhere.invalid"), failure.getMessage());
    }

    /** Accepts one connection, reads its request head, answers what {@code answer} makes of the key (null: nothing). */
    private static final class OneShotBackend implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final CompletableFuture<byte[]> request = new CompletableFuture<>();
        private final Thread thread;
        private volatile Socket socket;

        OneShotBackend(Function<String, String> answer) throws IOException {
            thread = new Thread(() -> serve(answer), "one-shot-backend");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        private void serve(Function<String, String> answer) {
            try {
                socket = listener.accept();
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    head.write(b);
                }
                request.complete(head.toByteArray());
                if (answer != null) {
                    Matcher key = KEY.matcher(head.toString(StandardCharsets.ISO_8859_1));
                    String response = answer.apply(key.find() ? key.group(1) : "");
                    socket.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
                    socket.getOutputStream().flush();
                }
                // Held open until close(): the dialer decides when the connection ends.
                in.read(new byte[1]);
            } catch (IOException e) {
                request.completeExceptionally(e);
            }
        }

        byte[] requestBytes() throws Exception {
            return request.get(5, TimeUnit.SECONDS);
        }

        String request() throws Exception {
            return new String(requestBytes(), StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            listener.close();
            if (socket != null) {
                socket.close();
            }
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
