package org.wsproxy.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsproxy.support.TestCertificates;
import org.wsproxy.support.TestCertificates.ServerCertificate;

/**
 * TLS as the frame engine's backend leg does it, against the JDK's own TLS server socket: the
 * handshake within a deadline, then non-blocking reads and writes whose records span the 16 KiB
 * buffers of the leg, and a write that the socket cannot take at once finished later.
 */
class TlsChannelTest {

    @TempDir
    static Path keys;
    static ServerCertificate localhost;
    static SSLContext serverContext;

    private SSLServerSocket server;
    private SocketChannel channel;

    @BeforeAll
    static void certificates() throws Exception {
        localhost = TestCertificates.selfSigned(keys, "localhost", "localhost", "dns:localhost,ip:127.0.0.1");
        KeyStore store = KeyStore.getInstance(TestCertificates.TYPE);
        try (InputStream in = Files.newInputStream(localhost.keyStore())) {
            store.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, TestCertificates.PASSWORD.toCharArray());
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(factory.getKeyManagers(), null, null);
    }

    @AfterEach
    void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private TlsChannel connect(SSLContext trust) throws IOException {
        server = (SSLServerSocket) serverContext.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        channel = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
        SSLEngine engine = trust.createSSLEngine("localhost", server.getLocalPort());
        engine.setUseClientMode(true);
        return new TlsChannel(engine, channel);
    }

    private CompletableFuture<SSLSocket> accept() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                SSLSocket socket = (SSLSocket) server.accept();
                socket.startHandshake();
                return socket;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    @Test
    void recordsLargerAndSmallerThanTheReadBufferArriveWholeAndTheEndIsMinusOne() throws Exception {
        TlsChannel tls = connect(localhost.clientContext());
        CompletableFuture<SSLSocket> accepted = accept();
        tls.handshake(System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        byte[] sent = random(3 * 1024 * 1024 + 5);
        CompletableFuture<Void> writer = accepted.thenAcceptAsync(socket -> {
            try (socket) {
                OutputStream out = socket.getOutputStream();
                int[] sizes = {1, 100, 16_384, 20_000, 7, 65_536, 16_383, 16_385};
                int at = 0;
                for (int i = 0; at < sent.length; i++) {
                    int n = Math.min(sizes[i % sizes.length], sent.length - at);
                    out.write(sent, at, n);
                    at += n;
                }
                out.flush();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        channel.configureBlocking(false);
        tls.nonBlocking();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int n;
            while ((n = tls.read(buffer.clear())) >= 0) {
                received.write(buffer.array(), 0, n);
                if (n == 0) {
                    assertTrue(System.nanoTime() < deadline, "read " + received.size() + " of " + sent.length + " bytes in 30 s");
                    selector.select(1000);
                    selector.selectedKeys().clear();
                }
            }
        }
        writer.get(10, TimeUnit.SECONDS);
        assertArrayEquals(sent, received.toByteArray());
    }

    @Test
    void aWriteTheSocketCannotTakeAtOnceIsFinishedByFlushOnceItIsWritable() throws Exception {
        TlsChannel tls = connect(localhost.clientContext());
        CompletableFuture<SSLSocket> accepted = accept();
        tls.handshake(System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        SSLSocket peer = accepted.get(10, TimeUnit.SECONDS);
        byte[] sent = random(8 * 1024 * 1024);
        CountDownLatch full = new CountDownLatch(1);
        CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
            try (peer) {
                // The peer reads only once the socket is full, so that the write must wait.
                assertTrue(full.await(30, TimeUnit.SECONDS));
                return peer.getInputStream().readNBytes(sent.length);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        channel.configureBlocking(false);
        tls.nonBlocking();
        ByteBuffer src = ByteBuffer.wrap(sent);
        int waits = 0;
        try (Selector selector = Selector.open()) {
            SelectionKey key = channel.register(selector, 0);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            boolean done = tls.write(src);
            while (!done) {
                waits++;
                full.countDown();
                assertTrue(System.nanoTime() < deadline, "wrote " + src.position() + " of " + sent.length + " bytes in 30 s");
                key.interestOps(SelectionKey.OP_WRITE);
                selector.select(1000);
                selector.selectedKeys().clear();
                done = tls.flush() && tls.write(src);
            }
        }
        full.countDown();
        assertTrue(waits > 0, "8 MiB went out without the socket ever being full");
        assertArrayEquals(sent, reader.get(30, TimeUnit.SECONDS));
    }

    @Test
    void anUntrustedCertificateFailsTheHandshake() throws Exception {
        SSLContext trustsNothing = SSLContext.getInstance("TLS");
        trustsNothing.init(null, null, null); // the JDK's default trust: no self-signed certificate of this test
        TlsChannel tls = connect(trustsNothing);
        CompletableFuture<SSLSocket> accepted = accept();
        assertThrows(SSLException.class, () -> tls.handshake(System.nanoTime() + TimeUnit.SECONDS.toNanos(10)));
        accepted.handle((socket, error) -> null).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aServerThatNeverAnswersTimesOutAtTheDeadline() throws Exception {
        TlsChannel tls = connect(localhost.clientContext());
        // Nobody accepts: the TCP connection is queued, no TLS answer comes.
        long start = System.nanoTime();
        assertThrows(SocketTimeoutException.class, () -> tls.handshake(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500)));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(took >= 400 && took < 5000, "timed out after " + took + " ms");
    }
}
