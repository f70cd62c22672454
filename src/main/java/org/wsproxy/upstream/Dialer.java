package org.wsproxy.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import javax.net.ssl.SSLException;

import org.wsproxy.frames.DeflateParams;
import org.wsproxy.frames.Handshakes;
import org.wsproxy.io.TlsChannel;

/**
 * Opens backend connections for the frame engine: TCP connect, the TLS handshake for wss://, then
 * the WebSocket handshake written and its answer checked here, on the calling (container) thread,
 * within the route's connectTimeout. The answer must be a 101 with the right Sec-WebSocket-Accept,
 * one of the offered subprotocols if any, and no extension but permessage-deflate as offered (with
 * backendCompression); a head over {@link #MAX_HEAD_BYTES} or anything else is a 502, a status of
 * 300 or more is the client's answer, with its headers.
 * <p>
 * Stateless apart from its key source; one serves every route of the application.
 */
public final class Dialer {

    /**
     * The longest response head taken from a backend: a handshake answer is a few hundred bytes; a
     * backend sending more is broken or hostile, and wsproxy does not buffer it without end.
     */
    static final int MAX_HEAD_BYTES = 16 * 1024;

    private final Resolver resolver;
    private final SecureRandom keys = new SecureRandom();

    public Dialer(Resolver resolver) {
        this.resolver = resolver;
    }

    /**
     * @param handshake the request (URL, end-to-end headers, offered subprotocols)
     * @param timeout   the time for the connect and the handshake together
     * @throws BackendFailure when no connection could be made or the backend did not accept it
     */
    public Dialed dial(BackendHandshake handshake, Duration timeout) throws BackendFailure {
        return dial(handshake, timeout, null, false);
    }

    /**
     * @param tls         the route's TLS settings, for a wss:// backend; null for ws://
     * @param compression offer permessage-deflate (the route's backendCompression)
     */
    public Dialed dial(BackendHandshake handshake, Duration timeout, BackendTls tls, boolean compression)
            throws BackendFailure {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI uri = handshake.uri();
        boolean secure = "wss".equals(uri.getScheme());
        if (secure != (tls != null) || !(secure || "ws".equals(uri.getScheme()))) {
            throw new IllegalArgumentException("[" + uri + "] dialed with" + (tls == null ? "out" : "") + " TLS settings");
        }
        String host = hostOf(uri);
        int port = uri.getPort() != -1 ? uri.getPort() : secure ? 443 : 80;
        SocketChannel channel = connect(host, port, deadline);
        TlsChannel encrypted = null;
        boolean handedOver = false;
        try {
            if (secure) {
                encrypted = new TlsChannel(tls.engine(host, port), channel);
                handshakeTls(encrypted, tls, deadline);
            }
            byte[] keyBytes = new byte[16];
            keys.nextBytes(keyBytes);
            String key = Base64.getEncoder().encodeToString(keyBytes);
            byte[] request;
            try {
                request = UpgradeRequest.bytes(handshake, key, compression ? DeflateParams.BACKEND_OFFER : null);
            } catch (IllegalArgumentException e) {
                throw new BackendFailure(400, "request cannot be forwarded: " + e.getMessage(), e, false);
            }
            if (encrypted != null) {
                encrypted.write(ByteBuffer.wrap(request));
            } else {
                channel.write(ByteBuffer.wrap(request));
            }
            Dialed dialed = answer(channel, encrypted, handshake, key, deadline, compression);
            handedOver = true;
            return dialed;
        } catch (SocketTimeoutException e) {
            throw new BackendFailure(BackendFailure.GATEWAY_TIMEOUT,
                    "backend did not finish its handshake within connectTimeout", e, true);
        } catch (IOException e) {
            throw new BackendFailure(BackendFailure.BAD_GATEWAY, "backend connection failed during the handshake: "
                    + BackendFailure.describe(e), e, true);
        } finally {
            if (!handedOver) {
                closeQuietly(channel);
            }
        }
    }

    /** A connected backend socket, with TLS over it for an https:// or wss:// backend. */
    public record Opened(SocketChannel channel, TlsChannel tls) {
    }

    /**
     * Opens a connection for an HTTP request: the TCP connect and, with {@code tls}, the TLS
     * handshake, within {@code timeout} together. The socket is left blocking.
     *
     * @param tls the route's TLS settings for an https:// backend, null for http://
     * @throws BackendFailure when no connection could be made
     */
    public Opened open(String host, int port, BackendTls tls, Duration timeout) throws BackendFailure {
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketChannel channel = connect(host, port, deadline);
        boolean handedOver = false;
        try {
            TlsChannel encrypted = null;
            if (tls != null) {
                encrypted = new TlsChannel(tls.engine(host, port), channel);
                try {
                    handshakeTls(encrypted, tls, deadline);
                } catch (SocketTimeoutException e) {
                    throw new BackendFailure(BackendFailure.GATEWAY_TIMEOUT,
                            "backend did not finish the TLS handshake within connectTimeout", e, true);
                }
            }
            handedOver = true;
            return new Opened(channel, encrypted);
        } catch (IOException e) {
            throw new BackendFailure(BackendFailure.BAD_GATEWAY, "backend connection failed: " + BackendFailure.describe(e), e, true);
        } finally {
            if (!handedOver) {
                closeQuietly(channel);
            }
        }
    }

    private static void handshakeTls(TlsChannel encrypted, BackendTls tls, long deadline)
            throws BackendFailure, SocketTimeoutException {
        try {
            encrypted.handshake(deadline);
        } catch (SocketTimeoutException e) {
            throw new BackendFailure(BackendFailure.GATEWAY_TIMEOUT,
                    "backend did not finish the TLS handshake within connectTimeout", e, true);
        } catch (SSLException e) {
            throw new BackendFailure(BackendFailure.BAD_GATEWAY, "TLS handshake with backend failed: "
                    + BackendFailure.tlsProblem(e, tls.trustStore()), e, true);
        } catch (IOException e) {
            throw new BackendFailure(BackendFailure.BAD_GATEWAY, "TLS handshake with backend failed: "
                    + BackendFailure.describe(e), e, true);
        }
    }

    /** The host of a URL as a name or an address, without the brackets of an IPv6 literal. */
    public static String hostOf(URI uri) {
        String host = uri.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private SocketChannel connect(String host, int port, long deadline) throws BackendFailure {
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new BackendFailure(BackendFailure.BAD_GATEWAY, "backend unreachable: cannot resolve [" + host + "]", e, true);
        }
        IOException last = null;
        for (InetAddress address : addresses) {
            int left = millisLeft(deadline);
            if (left <= 0) {
                break;
            }
            SocketChannel channel = null;
            try {
                channel = SocketChannel.open();
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.socket().connect(new InetSocketAddress(address, port), left);
                return channel;
            } catch (IOException e) {
                closeQuietly(channel);
                last = e;
            }
        }
        if (last instanceof SocketTimeoutException || last == null) {
            throw new BackendFailure(BackendFailure.GATEWAY_TIMEOUT, "backend did not accept the connection within "
                    + "connectTimeout", last, true);
        }
        String why = last instanceof ConnectException || last instanceof NoRouteToHostException
                ? "backend unreachable: " : "backend connection failed: ";
        throw new BackendFailure(BackendFailure.BAD_GATEWAY, why + BackendFailure.describe(last), last, true);
    }

    /** @param encrypted the TLS over channel, null for ws:// */
    private static Dialed answer(SocketChannel channel, TlsChannel encrypted, BackendHandshake handshake, String key,
                                 long deadline, boolean compression) throws IOException, BackendFailure {
        byte[] buffer = new byte[MAX_HEAD_BYTES];
        int filled = 0;
        int headEnd;
        InputStream in = channel.socket().getInputStream();
        if (encrypted != null) {
            encrypted.deadline(deadline);
        }
        int scanFrom = 0;
        while ((headEnd = headEnd(buffer, scanFrom, filled)) < 0) {
            scanFrom = Math.max(0, filled - 3);
            if (filled == buffer.length) {
                throw refused("backend's handshake answer has a head of more than " + MAX_HEAD_BYTES + " bytes");
            }
            int left = millisLeft(deadline);
            if (left <= 0) {
                throw new SocketTimeoutException("connectTimeout");
            }
            int n;
            if (encrypted != null) {
                n = encrypted.read(ByteBuffer.wrap(buffer, filled, buffer.length - filled));
            } else {
                channel.socket().setSoTimeout(left);
                n = in.read(buffer, filled, buffer.length - filled);
            }
            if (n < 0) {
                throw refused("backend closed the connection before answering the handshake");
            }
            filled += n;
        }
        ResponseHead head;
        try {
            head = ResponseHead.parse(buffer, headEnd);
        } catch (ResponseHead.Malformed e) {
            throw refused("backend's handshake answer is not HTTP: " + e.getMessage());
        }
        if (head.status() != 101) {
            if (head.status() >= 300) {
                throw new BackendFailure(head.status(), "backend answered the handshake with HTTP " + head.status(),
                        null, false, head.headers());
            }
            throw refused("backend answered the handshake with HTTP " + head.status() + " instead of 101");
        }
        String subprotocol = check(head, handshake, key);
        DeflateParams deflate = extensions(head, compression);
        channel.socket().setSoTimeout(0);
        ByteBuffer leftover = ByteBuffer.wrap(buffer, headEnd + 4, filled - headEnd - 4).slice();
        return new Dialed(channel, encrypted, leftover, subprotocol, head.headers(), deflate);
    }

    /** @return permessage-deflate as the backend accepted it, null for none */
    private static DeflateParams extensions(ResponseHead head, boolean compression) throws BackendFailure {
        List<String> extensions = head.tokens("Sec-WebSocket-Extensions");
        if (!compression) {
            if (!extensions.isEmpty()) {
                throw refused("backend's 101 names extensions " + extensions + " that were not offered");
            }
            return null;
        }
        try {
            return DeflateParams.backendAnswer(extensions).orElse(null);
        } catch (IllegalArgumentException e) {
            throw refused("backend's 101 names " + e.getMessage());
        }
    }

    /** @return the chosen subprotocol, "" for none */
    private static String check(ResponseHead head, BackendHandshake handshake, String key) throws BackendFailure {
        if (!head.tokens("Upgrade").stream().anyMatch("websocket"::equalsIgnoreCase)) {
            throw refused("backend's 101 has no Upgrade: websocket");
        }
        if (!head.tokens("Connection").stream().anyMatch("upgrade"::equalsIgnoreCase)) {
            throw refused("backend's 101 has no Connection: upgrade");
        }
        List<String> accepts = head.headers().getOrDefault("Sec-WebSocket-Accept", List.of());
        if (accepts.size() != 1 || !accepts.get(0).equals(Handshakes.accept(key))) {
            throw refused("backend's 101 has a wrong Sec-WebSocket-Accept " + accepts);
        }
        List<String> protocols = head.tokens("Sec-WebSocket-Protocol");
        if (protocols.isEmpty()) {
            return "";
        }
        Set<String> offered = handshake.subprotocols().stream().collect(Collectors.toSet());
        if (protocols.size() != 1 || !offered.contains(protocols.get(0))) {
            throw refused("backend chose subprotocol " + protocols + ", which the client did not offer "
                    + handshake.subprotocols());
        }
        return protocols.get(0);
    }

    private static BackendFailure refused(String message) {
        return new BackendFailure(BackendFailure.BAD_GATEWAY, message, null, true);
    }

    /** The index of the CRLFCRLF that ends the head, looked for from {@code from}, or -1. */
    private static int headEnd(byte[] bytes, int from, int filled) {
        for (int i = from; i + 3 < filled; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int millisLeft(long deadline) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, left));
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Never handed over: nothing depends on it.
            }
        }
    }
}
