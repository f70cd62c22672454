package org.wsproxy.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * A WebSocket client on a plain socket that writes frames exactly as the test says: fragments cut
 * anywhere, control frames between fragments, and (for hostile-input tests) invalid frames.
 */
public final class RawClient implements AutoCloseable {

    /** A frame as read: RSV bits (RSV1 the highest of three), whether it was masked, and its unmasked payload. */
    public record Frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }

        /** The reason of a close frame (lenient: an invalid byte becomes a replacement character). */
        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    /** Checks every frame read from the server; owned by the thread that reads. */
    private final StrictFrames fromServer = new StrictFrames(false);
    /** The server's handshake response head. */
    public final String response;

    private RawClient(int port, String path, String extraHeaders) throws IOException {
        this(port, path, extraHeaders, new byte[0]);
    }

    /** @param early bytes sent in the same write as the handshake request, before its answer */
    private RawClient(int port, String path, String extraHeaders, byte[] early) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        InputStream raw = socket.getInputStream();
        String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] both = java.util.Arrays.copyOf(request, request.length + early.length);
        System.arraycopy(early, 0, both, request.length, early.length);
        out.write(both);
        out.flush();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = raw.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        response = head.toString();
        in = new DataInputStream(raw);
    }

    /** Connects and completes the handshake; fails unless the answer is 101. */
    public static RawClient connect(int port, String path) throws IOException {
        RawClient client = new RawClient(port, path, "");
        if (!client.response.startsWith("HTTP/1.1 101")) {
            client.close();
            throw new IOException("handshake refused: " + client.response);
        }
        return client;
    }

    /**
     * Connects with {@code early} (frames) sent in the same write as the handshake request, as a
     * client that does not wait for the 101 does; fails unless the answer is 101.
     */
    public static RawClient connectSendingEarly(int port, String path, byte[] early) throws IOException {
        RawClient client = new RawClient(port, path, "", early);
        if (!client.response.startsWith("HTTP/1.1 101")) {
            client.close();
            throw new IOException("handshake refused: " + client.response);
        }
        return client;
    }

    /** Sends the handshake with extra header lines (each ending in CRLF) and returns the client whatever the answer. */
    public static RawClient handshake(int port, String path, String extraHeaders) throws IOException {
        return new RawClient(port, path, extraHeaders);
    }

    /** The HTTP status of the handshake answer. */
    public int status() {
        return Integer.parseInt(response.substring(9, 12));
    }

    /** Writes one masked frame. */
    public void frame(boolean fin, int opcode, byte[] payload) throws IOException {
        out.write(WireFrames.encode(fin, opcode, payload, true));
        out.flush();
    }

    /** Writes bytes as they are: frames built by the test, whole, cut or corrupted. */
    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Ends the client's sending direction (a TCP FIN); frames can still be read. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Reads one frame (unmasked, as a server sends) and checks it against RFC 6455 ({@link #violations()}). */
    public Frame read() throws IOException {
        Frame frame = WireFrames.read(in);
        if (frame == null) {
            throw new java.io.EOFException("connection closed");
        }
        fromServer.check(frame);
        return frame;
    }

    /**
     * Reads the next frame and checks it, like {@link #read()}.
     *
     * @return null if the connection ended (cleanly or by a reset) before another frame started
     */
    public Frame next() throws IOException {
        try {
            Frame frame = WireFrames.read(in);
            if (frame != null) {
                fromServer.check(frame);
            }
            return frame;
        } catch (SocketException e) {
            // A reset (the server closed with bytes of ours unread) also ends the connection.
            return null;
        }
    }

    /**
     * Reads frames until the server's close frame.
     *
     * @return the close frame, or null if the connection ended without one
     */
    public Frame readClose() throws IOException {
        for (Frame frame = next(); frame != null; frame = next()) {
            if (frame.opcode() == 0x8) {
                return frame;
            }
        }
        return null;
    }

    /**
     * Reads until the server ends the connection, checking any frame that still comes.
     *
     * @throws java.net.SocketTimeoutException if the connection did not end within the read timeout
     */
    public void readToEnd() throws IOException {
        while (next() != null) {
            // Each frame is checked as it is read.
        }
    }

    /** Rules of RFC 6455 the server's frames broke so far. */
    public List<String> violations() {
        return fromServer.violations();
    }

    /** Sets how long a read waits before it fails. */
    public void readTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
    }

    /** Reads frames until a data frame ends a message, and returns the message's bytes. */
    public byte[] readMessage() throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        while (true) {
            Frame frame = read();
            if (frame.opcode() >= 8) {
                continue;
            }
            message.writeBytes(frame.payload());
            if (frame.fin()) {
                return message.toByteArray();
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
