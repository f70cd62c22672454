package org.wsproxy.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A backend on a plain server socket on 127.0.0.1 that holds the proxy to RFC 6455: every frame the
 * proxy sends is checked by {@link StrictFrames} (as a client's: masked, no RSV bits, ...), and
 * every broken rule is recorded with the connection. It answers the handshake without extension
 * or subprotocol, echoes data frames as they come (unmasked, fragments kept), answers pings with
 * pongs and a close with the same close (1002 if the proxy's close was not a valid one), then ends
 * the TCP connection, as a server does.
 * <p>
 * A single-frame text message {@code raw:<hex>} is not echoed: the backend writes those bytes
 * as they are instead, so that a test can send the proxy any frame a broken backend could. A
 * single-frame text message {@code burst:<n>:<code>} is not echoed either: the backend sends
 * {@code n} text messages ("burst 0", "burst 1", ...) and then a close with {@code code}, and reads
 * on (echoing nothing more) until the proxy's close answer.
 */
public final class StrictBackend implements AutoCloseable {

    /** A whole message as the backend reassembled it. */
    public record Message(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /**
     * How a connection ended. {@code closeFrame} false: the TCP connection ended (or broke the rules)
     * without a close frame from the proxy, and code is 1006.
     */
    public record Ending(boolean closeFrame, int code, String reason) {
    }

    /** What one proxied connection brought to the backend. Thread-safe: written by its serving thread, read by the test. */
    public static final class Connection {
        private final BlockingQueue<Message> incoming = new LinkedBlockingQueue<>();
        private final List<Message> messages = new CopyOnWriteArrayList<>();
        private final List<String> violations = new CopyOnWriteArrayList<>();
        private final CompletableFuture<Ending> ending = new CompletableFuture<>();

        /** The next whole message, waiting up to {@code seconds}. */
        public Message nextMessage(long seconds) throws InterruptedException {
            Message message = incoming.poll(seconds, TimeUnit.SECONDS);
            if (message == null) {
                throw new AssertionError("no message reached the backend within " + seconds + " s");
            }
            return message;
        }

        /** Every whole message so far, in order. */
        public List<Message> messages() {
            return List.copyOf(messages);
        }

        /** The RFC 6455 rules the proxy's frames broke on this connection. */
        public List<String> violations() {
            return List.copyOf(violations);
        }

        /** How the connection ended, waiting up to {@code seconds}. */
        public Ending awaitEnding(long seconds) throws InterruptedException {
            try {
                return ending.get(seconds, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the backend connection did not end within " + seconds + " s");
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }

        public boolean ended() {
            return ending.isDone();
        }
    }

    private final ServerSocket listener;
    /** Connections being served, closed by {@link #close()}; thread-safe, as are the collections below. */
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    /** The acceptor and the serving threads still alive, joined by {@link #close()}. */
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    /** Connections whose handshake was answered, not yet taken by {@link #nextConnection}. */
    private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
    /** Every connection whose handshake was answered. */
    private final List<Connection> connections = new CopyOnWriteArrayList<>();

    private StrictBackend() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "strict-backend-accept");
        acceptor.setDaemon(true);
        threads.add(acceptor);
        acceptor.start();
    }

    public static StrictBackend start() throws IOException {
        return new StrictBackend();
    }

    public int port() {
        return listener.getLocalPort();
    }

    public URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port() + path);
    }

    /** The next connection whose handshake the backend answered, waiting up to {@code seconds}. */
    public Connection nextConnection(long seconds) throws InterruptedException {
        Connection connection = accepted.poll(seconds, TimeUnit.SECONDS);
        if (connection == null) {
            throw new AssertionError("no connection reached the backend within " + seconds + " s");
        }
        return connection;
    }

    /** The rules broken on every connection so far. */
    public List<String> violations() {
        List<String> all = new ArrayList<>();
        connections.forEach(c -> all.addAll(c.violations()));
        return all;
    }

    /** Connections not yet ended. */
    public int openConnections() {
        return (int) connections.stream().filter(c -> !c.ended()).count();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                sockets.add(socket);
                Thread serve = new Thread(() -> serve(socket), "strict-backend-conn");
                serve.setDaemon(true);
                threads.removeIf(t -> !t.isAlive());
                threads.add(serve);
                serve.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        Connection connection = new Connection();
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            String[] lines = RawHandshake.readHead(in).split("\r\n");
            String key = String.join("", RawHandshake.headerLines(lines).getOrDefault("Sec-WebSocket-Key", List.of("")));
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + RawHandshake.acceptFor(key) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            connections.add(connection);
            accepted.add(connection);
            connection.ending.complete(frames(in, out, connection));
        } catch (IOException e) {
            connection.ending.complete(new Ending(false, 1006, String.valueOf(e)));
        } finally {
            sockets.remove(socket);
            connection.ending.complete(new Ending(false, 1006, "serving thread ended"));
        }
    }

    /** Reads, checks and answers frames until the proxy's close, a broken rule, or the end of the stream. */
    private static Ending frames(DataInputStream in, OutputStream out, Connection connection) throws IOException {
        StrictFrames rules = new StrictFrames(true);
        Answers answers = new Answers(out);
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int messageOpcode = 0;
        boolean closeSent = false;
        while (true) {
            RawClient.Frame frame;
            try {
                frame = WireFrames.read(in);
            } catch (WireFrames.Malformed e) {
                connection.violations.add("from the client: " + e.getMessage());
                return failed(answers);
            }
            if (frame == null) {
                return new Ending(false, 1006, "connection ended without a close frame");
            }
            int broken = rules.violations().size();
            rules.check(frame);
            List<String> now = rules.violations();
            connection.violations.addAll(now.subList(broken, now.size()));
            if (frame.opcode() == 0x8) {
                boolean valid = now.size() == broken;
                if (!closeSent) {
                    answers.write(WireFrames.encode(true, 0x8, valid ? frame.payload() : WireFrames.closePayload(1002, new byte[0]), false));
                }
                return new Ending(true, frame.closeCode(), frame.closeReason());
            }
            if (now.size() > broken) {
                return failed(answers);
            }
            switch (frame.opcode()) {
                case 0x9 -> {
                    if (!closeSent) {
                        answers.write(WireFrames.encode(true, 0xA, frame.payload(), false));
                    }
                }
                case 0xA -> {
                    // A pong needs no answer.
                }
                default -> {
                    if (frame.opcode() != 0) {
                        messageOpcode = frame.opcode();
                        message.reset();
                    }
                    message.writeBytes(frame.payload());
                    String text = frame.fin() && frame.opcode() == 0x1 ? frame.text() : "";
                    if (closeSent) {
                        // RFC 6455 section 5.5.1: nothing more after a close frame; the message is only recorded.
                    } else if (text.startsWith("burst:")) {
                        String[] burst = text.split(":");
                        for (int i = 0; i < Integer.parseInt(burst[1]); i++) {
                            answers.write(WireFrames.encode(true, 0x1, ("burst " + i).getBytes(StandardCharsets.UTF_8), false));
                        }
                        answers.write(WireFrames.encode(true, 0x8, WireFrames.closePayload(Integer.parseInt(burst[2]), new byte[0]), false));
                        closeSent = true;
                    } else {
                        answers.write(text.startsWith("raw:") ? HexFormat.of().parseHex(text.substring(4))
                                : WireFrames.encode(frame.fin(), frame.opcode(), frame.payload(), false));
                    }
                    if (frame.fin()) {
                        Message whole = new Message(messageOpcode, message.toByteArray());
                        connection.messages.add(whole);
                        connection.incoming.add(whole);
                    }
                }
            }
        }
    }

    /** Fails the connection as RFC 6455 section 7.1.7 says: a 1002 close, then the end of the TCP connection. */
    private static Ending failed(Answers answers) {
        answers.write(WireFrames.encode(true, 0x8, WireFrames.closePayload(1002, new byte[0]), false));
        return new Ending(false, 1006, "the proxy broke RFC 6455; the backend failed the connection");
    }

    /**
     * What the backend writes. A failed write does not end the reading: the proxy may end the
     * connection first (after its own close frame, when this backend is slow to answer), and the
     * frames it sent before are still to be read and checked.
     */
    private static final class Answers {
        private final OutputStream out;
        private boolean broken;

        Answers(OutputStream out) {
            this.out = out;
        }

        void write(byte[] bytes) {
            if (broken) {
                return;
            }
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                broken = true;
            }
        }
    }

    /** Closes the listener and every connection, and waits (up to 5 s) for their threads to end. */
    @Override
    public void close() throws IOException, InterruptedException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
    }
}
