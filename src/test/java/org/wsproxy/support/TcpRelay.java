package org.wsproxy.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 in front of another port, so that a test can make one side of a
 * WebSocket connection vanish: {@link #resetAll()} ends every relayed connection with a TCP reset
 * and no close frame, as a crashed process or a dropped network would; {@link #freeze()} stops
 * every byte in both directions while the connections stay open, as a hung peer, a dead NAT entry
 * or a pulled cable does (no FIN, no reset: only a timeout can tell).
 */
public final class TcpRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    /** Guarded by {@code this}: while true, the pumps hold what they read instead of writing it. */
    private boolean frozen;

    public TcpRelay(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "tcp-relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket inbound = listener.accept();
                Socket outbound = new Socket();
                outbound.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
                sockets.add(inbound);
                sockets.add(outbound);
                pump(inbound, outbound);
                pump(outbound, inbound);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    awaitThaw();
                    out.write(buffer, 0, n);
                }
            } catch (IOException | InterruptedException e) {
                // One side ended; the other pump ends too.
            }
            closeQuietly(to);
        }, "tcp-relay-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops relaying in both directions, leaving every connection open. */
    public synchronized void freeze() {
        frozen = true;
    }

    private synchronized void awaitThaw() throws InterruptedException {
        while (frozen) {
            wait();
        }
    }

    private synchronized void thaw() {
        frozen = false;
        notifyAll();
    }

    /** Resets every relayed connection on both sides: no FIN, no close frame. */
    public void resetAll() {
        for (Socket socket : sockets) {
            try {
                socket.setSoLinger(true, 0);
            } catch (IOException e) {
                // Already closed.
            }
            closeQuietly(socket);
        }
        sockets.clear();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing to do.
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        resetAll();
        // Frozen pumps wake to write into a closed socket, and end.
        thaw();
    }
}
