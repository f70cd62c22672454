package org.wsproxy.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 backend on 127.0.0.1 written on plain sockets, so that a test controls every byte it
 * answers (a cut body, a silent backend) and sees every byte it is sent: each request is recorded
 * with its head, its body as received (chunked bodies decoded) and the number of the TCP connection
 * it came on. Keep-alive: a connection serves requests until the client closes it.
 */
public final class HttpBackend implements AutoCloseable {

    /** One request as the backend received it. */
    public record Request(int connection, String method, String target, Map<String, List<String>> headers, byte[] body,
                          boolean chunked) {
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : String.join(", ", values);
        }
    }

    /** Writes the answer to {@code request} on {@code out}; may close the socket to cut it short. */
    @FunctionalInterface
    public interface Handler {
        void answer(Request request, OutputStream out, Socket socket) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    /** ws, or wss for {@link #startTls}: the scheme a route names this backend with. */
    private final String scheme;
    private final Handler handler;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Map<Socket, Thread> open = new ConcurrentHashMap<>();
    private final Thread acceptor;

    private HttpBackend(Handler handler, int port) throws IOException {
        this(handler, port, new ServerSocket(), "ws");
    }

    private HttpBackend(Handler handler, int port, ServerSocket server, String scheme) throws IOException {
        this.handler = handler;
        this.scheme = scheme;
        this.server = server;
        // A deployed route's port, which the test's earlier backends (node's, say) left in TIME_WAIT.
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        this.acceptor = new Thread(this::accept, "http-backend-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static HttpBackend start(Handler handler) throws IOException {
        return new HttpBackend(handler, 0);
    }

    /** Over TLS (HTTPS), with {@code certificate}'s key; a route names it wss://. */
    public static HttpBackend startTls(TestCertificates.ServerCertificate certificate, Handler handler) throws IOException {
        return new HttpBackend(handler, 0, certificate.serverContext().getServerSocketFactory().createServerSocket(), "wss");
    }

    /** On {@code port}: where a deployed route (a real container's) expects its backend. */
    public static HttpBackend startOn(int port, Handler handler) throws IOException {
        return new HttpBackend(handler, port);
    }

    /** A handler that answers 200 with {@code body} as text/plain and Content-Length. */
    public static Handler text(String body) {
        return (request, out, socket) -> respond(out, 200, Map.of("Content-Type", "text/plain"), body.getBytes(StandardCharsets.UTF_8));
    }

    public static void respond(OutputStream out, int status, Map<String, String> headers, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " X\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /** The backend's URL as a route names it (ws://, or wss:// over TLS), with {@code path}. */
    public URI uri(String path) {
        return URI.create(scheme + "://127.0.0.1:" + server.getLocalPort() + path);
    }

    /** The next request received, waiting up to 10 s. */
    public Request next() throws InterruptedException {
        Request request = requests.poll(10, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("the backend received no request within 10 s");
        }
        return request;
    }

    /** Whether no request has reached this backend (none received, or all taken by {@link #next()}). */
    public boolean noRequest() {
        return requests.isEmpty();
    }

    public int connections() {
        return connections.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                int number = connections.incrementAndGet();
                Thread serving = new Thread(() -> serve(socket, number), "http-backend-conn-" + number);
                serving.setDaemon(true);
                open.put(socket, serving);
                serving.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, int number) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String[] lines = head.split("\r\n");
                String[] requestLine = lines[0].split(" ");
                Map<String, List<String>> headers = new LinkedHashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                            .add(lines[i].substring(colon + 1).trim());
                }
                boolean chunked = headers.containsKey("transfer-encoding");
                byte[] body = chunked ? readChunked(in)
                        : headers.containsKey("content-length") ? in.readNBytes(Integer.parseInt(headers.get("content-length").get(0)))
                        : new byte[0];
                Request request = new Request(number, requestLine[0], requestLine[1], headers, body, chunked);
                requests.add(request);
                handler.answer(request, out, socket);
                if (socket.isClosed()) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the connection ends
        } finally {
            open.remove(socket);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int n = Integer.parseInt(size.split(";")[0].trim(), 16);
            if (n == 0) {
                while (!line(in).isEmpty()) {
                    // trailer fields
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(n));
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : open.keySet()) {
            socket.close();
        }
        for (Thread thread : open.values()) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
