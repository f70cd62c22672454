package org.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.HttpBackend;
import org.wsproxy.support.ProxyServer;

/**
 * Bodies stream through a route with http=proxy, never held whole: while one side does not read,
 * the other side's writes stop after what the sockets and the relay's fixed buffers hold, far short
 * of the body; when it reads again, everything arrives. A proxy that buffered bodies in memory would
 * take all of a 256 MiB body from the writer at once.
 */
class HttpStreamingTest {

    /** Far more than the loopback sockets on both legs can hold (Linux autotunes each up to a few MiB). */
    private static final long BODY = 256L * 1024 * 1024;
    /** What the sockets of both legs and the relay may hold together; a quarter of the body. */
    private static final long HELD = 64L * 1024 * 1024;

    /**
     * A download the client stops reading: the backend's writes stall (the relay reads the backend
     * only as fast as the client takes it), then the client reads on and gets every byte.
     */
    @Test
    void aSlowClientSlowsTheBackendRead() throws Exception {
        AtomicLong written = new AtomicLong();
        byte[] chunk = new byte[64 * 1024];
        try (HttpBackend backend = HttpBackend.start((request, out, socket) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + BODY + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            for (long sent = 0; sent < BODY; sent += chunk.length) {
                out.write(chunk);
                written.addAndGet(chunk.length);
            }
            out.flush();
        });
             ProxyServer proxy = ProxyServer.route("/app/*", backend.uri("/"), "http", "proxy");
             Socket client = new Socket()) {
            client.setReceiveBufferSize(64 * 1024);
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 5000);
            client.setSoTimeout(20_000);
            client.getOutputStream().write("GET /app/big HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = client.getInputStream();
            assertEquals('H', in.read(), "the response has begun");
            long stalled = awaitStill(written);
            assertTrue(stalled < HELD, "the backend wrote " + stalled + " bytes while the client read none");
            long read = 1 + skipAll(in);
            assertTrue(read > BODY, "the whole body came once the client read: " + read);
            assertEquals(BODY, written.get());
        }
    }

    /**
     * An upload the backend stops reading: the client's writes stall, then the backend reads on and
     * gets every byte, and its answer reaches the client.
     */
    @Test
    void aManyMiBUploadFlowsWithBoundedMemory() throws Exception {
        CountDownLatch readOn = new CountDownLatch(1);
        AtomicLong received = new AtomicLong();
        AtomicReference<Throwable> backendFailure = new AtomicReference<>();
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread backend = new Thread(() -> {
                try (Socket socket = listener.accept()) {
                    socket.setSoTimeout(20_000);
                    InputStream in = socket.getInputStream();
                    for (int matched = 0; matched < 4; ) {
                        int b = in.read();
                        if (b < 0) {
                            throw new java.io.EOFException("the request ended before its head did");
                        }
                        matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
                    }
                    if (!readOn.await(30, TimeUnit.SECONDS)) {
                        throw new AssertionError("not released");
                    }
                    byte[] buffer = new byte[256 * 1024];
                    for (int n = 0; received.get() < BODY && n >= 0; ) {
                        n = in.read(buffer, 0, (int) Math.min(buffer.length, BODY - received.get()));
                        received.addAndGet(Math.max(n, 0));
                    }
                    OutputStream out = socket.getOutputStream();
                    HttpBackend.respond(out, 200, Map.of("Content-Type", "text/plain"),
                            ("received " + received.get()).getBytes(StandardCharsets.US_ASCII));
                } catch (Throwable e) {
                    backendFailure.set(e);
                }
            }, "upload-backend");
            backend.setDaemon(true);
            backend.start();
            AtomicLong sent = new AtomicLong();
            try (ProxyServer proxy = ProxyServer.route("/app/*", URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/"),
                    "http", "proxy");
                 Socket client = new Socket("127.0.0.1", proxy.port())) {
                client.setSoTimeout(20_000);
                Thread uploader = new Thread(() -> {
                    try {
                        OutputStream out = client.getOutputStream();
                        out.write(("POST /app/up HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                                + "Content-Length: " + BODY + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        byte[] chunk = new byte[64 * 1024];
                        for (long n = 0; n < BODY; n += chunk.length) {
                            out.write(chunk);
                            sent.addAndGet(chunk.length);
                        }
                    } catch (IOException e) {
                        backendFailure.compareAndSet(null, e);
                    }
                }, "uploader");
                uploader.setDaemon(true);
                uploader.start();
                long stalled = awaitStill(sent);
                assertTrue(stalled < HELD, "the client sent " + stalled + " bytes while the backend read none");
                readOn.countDown();
                uploader.join(30_000);
                assertEquals(BODY, sent.get());
                String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("received " + BODY), answer);
            } finally {
                readOn.countDown();
                backend.join(30_000);
            }
            assertEquals(null, backendFailure.get());
            assertEquals(BODY, received.get());
        }
    }

    /**
     * Waits until {@code count} has not moved for 500 ms (a writer blocked on full sockets), at most
     * 20 s; returns where it stopped.
     */
    private static long awaitStill(AtomicLong count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long last = -1;
        while (System.nanoTime() < deadline) {
            long now = count.get();
            if (now == last && now > 0) {
                return now;
            }
            last = now;
            Thread.sleep(500);
        }
        throw new AssertionError("the writer never stopped: " + count.get() + " bytes");
    }

    private static long skipAll(InputStream in) throws IOException {
        byte[] buffer = new byte[256 * 1024];
        long total = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            total += n;
        }
        return total;
    }
}
