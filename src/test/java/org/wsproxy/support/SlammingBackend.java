package org.wsproxy.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend whose process is up but broken: it accepts each TCP connection and closes it at once,
 * before any handshake answer, and counts them. Unlike a closed port, it shows how often the proxy
 * tried it.
 */
public final class SlammingBackend implements AutoCloseable {

    private final ServerSocket listener;
    private final AtomicInteger connections = new AtomicInteger();

    public SlammingBackend() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "slamming-backend-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try (Socket socket = listener.accept()) {
                connections.incrementAndGet();
                socket.setSoLinger(true, 0); // a reset, as a crashing process leaves
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    public URI uri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + listener.getLocalPort() + pathAndQuery);
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
