package org.wsproxy.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One HTTP request written by hand on a plain socket, and the status line and headers of its
 * answer. For what the JDK and Tyrus clients will not send or cannot show: a missing or malformed
 * Sec-WebSocket-Key, another Sec-WebSocket-Version, a Connection header naming other headers, a
 * header repeated on two lines, a request target sent byte for byte; and the headers of a 101.
 *
 * <p>Starts as a complete, valid WebSocket handshake; each change is one call. After a 101 the
 * client closes cleanly (close frame 1000, then the peer's close), so that the proxy has finished
 * with the connection before the test stops it; any other answer ends the connection at once.
 */
public final class RawHandshake {

    /** RFC 6455 section 1.3: appended to the key before hashing. */
    public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** Longest wait for the answer's head, in milliseconds. */
    static final int READ_TIMEOUT_MS = 5_000;

    /** Largest answer head read, in bytes: far more than any handshake answer needs. */
    private static final int MAX_HEAD_BYTES = 64 * 1024;

    /** The status line and headers of an answer. */
    public record Response(String statusLine, int status, Map<String, List<String>> headers) {

        /** Every value of the header, one per line it came on; empty if absent. Case-insensitive. */
        public List<String> values(String name) {
            return headers.getOrDefault(name, List.of());
        }

        /** The header's value, or null if absent; fails if it came on more than one line. */
        public String header(String name) {
            List<String> values = values(name);
            if (values.size() > 1) {
                throw new AssertionError("expected at most one " + name + " header but got " + values);
            }
            return values.isEmpty() ? null : values.get(0);
        }
    }

    private String method = "GET";
    private final String target;
    /** Header lines in order, each {name, value}. */
    private final List<String[]> headers = new ArrayList<>();

    private RawHandshake(String target) {
        this.target = target;
    }

    /**
     * A valid WebSocket handshake for {@code target} (path and query, sent exactly as given) with
     * Host 127.0.0.1:port, a fresh random key and version 13.
     */
    public static RawHandshake to(int port, String target) {
        return new RawHandshake(target)
                .add("Host", "127.0.0.1:" + port)
                .add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("Sec-WebSocket-Key", newKey())
                .add("Sec-WebSocket-Version", "13");
    }

    public RawHandshake method(String method) {
        this.method = method;
        return this;
    }

    /** Adds a header line, after any of the same name. */
    public RawHandshake add(String name, String value) {
        headers.add(new String[] {name, value});
        return this;
    }

    /** Replaces every line of this header (case-insensitive) with one line. */
    public RawHandshake set(String name, String value) {
        return remove(name).add(name, value);
    }

    /** Removes every line of this header (case-insensitive). */
    public RawHandshake remove(String name) {
        headers.removeIf(header -> header[0].equalsIgnoreCase(name));
        return this;
    }

    /** The Sec-WebSocket-Key this request sends, or null. */
    public String key() {
        for (String[] header : headers) {
            if (header[0].equalsIgnoreCase("Sec-WebSocket-Key")) {
                return header[1];
            }
        }
        return null;
    }

    /** The request head as it is sent: request line, header lines, the blank line; ISO-8859-1 characters. */
    public String head() {
        StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        for (String[] header : headers) {
            request.append(header[0]).append(": ").append(header[1]).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    /** Sends the request to 127.0.0.1:port and reads the answer's status line and headers. */
    public Response send(int port) throws IOException {
        String request = head();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Response response = parse(readHead(socket.getInputStream()));
            if (response.status() == 101) {
                closeCleanly(socket);
            }
            return response;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no complete answer from 127.0.0.1:" + port + " within " + READ_TIMEOUT_MS
                    + " ms to " + method + " " + target, e);
        }
    }

    /** Sends a masked close frame with code 1000 and reads frames until the peer's close frame or the end. */
    private static void closeCleanly(Socket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(WireFrames.encode(true, 0x8, new byte[] {0x03, (byte) 0xE8}, true));
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        for (RawClient.Frame frame = WireFrames.read(in); frame != null && frame.opcode() != 0x8; frame = WireFrames.read(in)) {
            // Skip whatever the server still sends before its close.
        }
    }

    /** A fresh Sec-WebSocket-Key: 16 random bytes in base64. */
    public static String newKey() {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** The Sec-WebSocket-Accept a server must answer {@code key} with (RFC 6455 section 4.2.2). */
    public static String acceptFor(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    /** Reads up to and including the blank line that ends an HTTP head; ISO-8859-1, as HTTP/1.1 headers are. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection ended after " + head.size() + " bytes, before the end of the head: ["
                        + head.toString(StandardCharsets.ISO_8859_1) + "]");
            }
            head.write(b);
            if (head.size() > MAX_HEAD_BYTES) {
                throw new IOException("head longer than " + MAX_HEAD_BYTES + " bytes");
            }
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Parses a head's header lines into a case-insensitive map, one value per line. */
    static Map<String, List<String>> headerLines(String[] lines) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).trim(), name -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
        }
        headers.replaceAll((name, values) -> Collections.unmodifiableList(values));
        return Collections.unmodifiableMap(headers);
    }

    private static Response parse(String head) {
        String[] lines = head.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/")) {
            throw new AssertionError("expected an HTTP status line but got [" + lines[0] + "]");
        }
        return new Response(lines[0], Integer.parseInt(status[1]), headerLines(lines));
    }
}
