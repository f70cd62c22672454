package org.wsproxy.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A WebSocket client on a plain socket that writes frames exactly as the test says: fragments cut
 * anywhere, control frames between fragments, and (for hostile-input tests) invalid frames.
 */
public final class RawClient implements AutoCloseable {

    /** A frame as read from the server. */
    public record Frame(boolean fin, int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    /** The server's handshake response head. */
    public final String response;

    private RawClient(int port, String path, String extraHeaders) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        InputStream raw = socket.getInputStream();
        String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
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

    /** Reads one frame (unmasked, as a server sends). */
    public Frame read() throws IOException {
        Frame frame = WireFrames.read(in);
        if (frame == null) {
            throw new java.io.EOFException("connection closed");
        }
        return frame;
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
