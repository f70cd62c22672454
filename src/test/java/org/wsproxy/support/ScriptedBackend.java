package org.wsproxy.support;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend on a plain server socket on 127.0.0.1 whose handshake answer the test decides, for
 * what a real WebSocket server will not do on request:
 * <ul>
 * <li>{@link #silent()}: accepts the TCP connection, reads the handshake and never answers it;</li>
 * <li>{@link #choosing(String)}: answers 101 with exactly the given Sec-WebSocket-Protocol, whatever
 *     was offered, then echoes data frames and answers a close with the same close;</li>
 * <li>{@link #answeringAfter(Duration)}: the same without a subprotocol, after a delay;</li>
 * <li>{@link #neverAnsweringCloses()}: answers the handshake and echoes, but never answers a close
 *     frame: it reads on until the proxy ends the TCP connection.</li>
 * </ul>
 * Every request head it reads is recorded, every connection counted, and every connection the
 * proxy ends noted (a close frame or the end of the stream). Connections are held until {@link #close()}.
 */
public final class ScriptedBackend implements AutoCloseable {

    /** A handshake request as it arrived: request line and headers (case-insensitive, one value per line). */
    public record Request(String requestLine, Map<String, List<String>> headers) {
        /** The header's lines joined with ", ", or null if absent. */
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : String.join(", ", values);
        }
    }

    /** Null = never answer the handshake. */
    private final String subprotocol;
    private final Duration answerDelay;
    /** False: a close frame is not answered, and the connection is read on until the proxy ends it. */
    private final boolean answerCloses;
    private final ServerSocket listener;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    /** How each connection ended, by the proxy's doing: "close <code>" or "end of stream". */
    private final BlockingQueue<String> endings = new LinkedBlockingQueue<>();
    /** TCP connections accepted so far; counted by the acceptor thread as each is accepted. */
    private final AtomicInteger connections = new AtomicInteger();

    private ScriptedBackend(String subprotocol, Duration answerDelay, boolean answerCloses) throws IOException {
        this.subprotocol = subprotocol;
        this.answerDelay = answerDelay;
        this.answerCloses = answerCloses;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "scripted-backend-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Accepts connections and reads their handshakes, and never answers. */
    public static ScriptedBackend silent() throws IOException {
        return new ScriptedBackend(null, Duration.ZERO, true);
    }

    /** Answers every handshake with 101 and this Sec-WebSocket-Protocol ("" = no such header). */
    public static ScriptedBackend choosing(String subprotocol) throws IOException {
        return new ScriptedBackend(subprotocol, Duration.ZERO, true);
    }

    /** Answers every handshake with 101 (no subprotocol) once {@code delay} has passed. */
    public static ScriptedBackend answeringAfter(Duration delay) throws IOException {
        return new ScriptedBackend("", delay, true);
    }

    /**
     * Answers every handshake with 101 and echoes, but never answers a close frame. Its endings
     * are "close &lt;code&gt;" when the close frame arrives, then "end of stream" when the proxy
     * ends the TCP connection.
     */
    public static ScriptedBackend neverAnsweringCloses() throws IOException {
        return new ScriptedBackend("", Duration.ZERO, false);
    }

    /** A port on 127.0.0.1 where nothing listens (it was free a moment ago and was released). */
    public static int unusedPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    public URI uri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port() + pathAndQuery);
    }

    /** The next handshake request that arrived, waiting up to 5 s. */
    public Request nextRequest() throws InterruptedException {
        Request request = requests.poll(5, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("no handshake request reached the scripted backend within 5 s");
        }
        return request;
    }

    /**
     * How the proxy ended the next connection ("close &lt;code&gt;" for a close frame, "end of
     * stream" for a connection closed without one), waiting up to {@code seconds}; null if none.
     */
    public String nextEnding(long seconds) throws InterruptedException {
        return endings.poll(seconds, TimeUnit.SECONDS);
    }

    /**
     * TCP connections accepted so far. The proxy answers a client only after the backend answered
     * (or never connects at all), so once a client has its answer, a connection the proxy opened
     * for it is counted here.
     */
    public int connections() {
        return connections.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                connections.incrementAndGet();
                sockets.add(socket);
                Thread serve = new Thread(() -> serve(socket), "scripted-backend-conn");
                serve.setDaemon(true);
                serve.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            String head = RawHandshake.readHead(in);
            String[] lines = head.split("\r\n");
            Map<String, List<String>> headers = RawHandshake.headerLines(lines);
            requests.add(new Request(lines[0], headers));
            if (subprotocol == null) {
                while (in.read() >= 0) {
                    // Hold the connection, answer nothing, until the peer or close() ends it.
                }
                endings.add("end of stream");
                return;
            }
            if (!answerDelay.isZero()) {
                Thread.sleep(answerDelay.toMillis());
            }
            String key = String.join("", headers.getOrDefault("Sec-WebSocket-Key", List.of("")));
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + RawHandshake.acceptFor(key) + "\r\n"
                    + (subprotocol.isEmpty() ? "" : "Sec-WebSocket-Protocol: " + subprotocol + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String ending = echoFrames(in, out, answerCloses);
            endings.add(ending);
            if (!answerCloses && ending.startsWith("close")) {
                while (in.read() >= 0) {
                    // Hold the connection, answer nothing, until the peer or close() ends it.
                }
                endings.add("end of stream");
            }
        } catch (IOException | InterruptedException e) {
            // The peer left or close() closed the socket.
        } finally {
            sockets.remove(socket);
        }
    }

    /**
     * Echoes each data frame unmasked, answers a ping with a pong and a close with the same close
     * (unless {@code answerCloses} is false).
     *
     * @return how the proxy ended the connection
     */
    private static String echoFrames(DataInputStream in, OutputStream out, boolean answerCloses) throws IOException {
        for (RawClient.Frame frame = WireFrames.read(in); frame != null; frame = WireFrames.read(in)) {
            int opcode = frame.opcode();
            if (opcode != 0xA && (opcode != 0x8 || answerCloses)) {
                out.write(WireFrames.encode(frame.fin(), opcode == 0x9 ? 0xA : opcode, frame.payload(), false));
                out.flush();
            }
            if (opcode == 0x8) {
                return "close " + frame.closeCode();
            }
        }
        return "end of stream";
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
