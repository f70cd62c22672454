package org.wsproxy.http;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.wsproxy.upstream.HeadText;

/**
 * The request a backend receives for a client's HTTP request: its method, the backend URL (http://
 * or https://), the end-to-end headers (already filtered by the route's rules), and the body's
 * framing, which wsproxy alone decides: one length, or chunked, or no body.
 *
 * @param bodyLength the client's Content-Length, {@link #CHUNKED} for a body of unknown length
 *                   (sent on chunked), or {@link #NO_BODY}
 */
public record BackendRequest(String method, URI uri, Map<String, List<String>> headers, long bodyLength) {

    public static final long NO_BODY = -1;
    public static final long CHUNKED = -2;

    /** RFC 9110 section 9.2.2: a request that may be sent twice with the effect of one. */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    public boolean idempotent() {
        return IDEMPOTENT.contains(method);
    }

    boolean head() {
        return method.equals("HEAD");
    }

    /**
     * The request line and header fields, values as the client's bytes came in ({@link HeadText}).
     *
     * @throws IllegalArgumentException for a header value with a line break or NUL
     */
    byte[] headBytes() {
        StringBuilder head = new StringBuilder(512);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        head.append(method).append(' ').append(path);
        if (uri.getRawQuery() != null) {
            head.append('?').append(uri.getRawQuery());
        }
        head.append(" HTTP/1.1\r\n");
        boolean hostGiven = headers.keySet().stream().anyMatch(name -> name.equalsIgnoreCase("Host"));
        if (!hostGiven) {
            head.append("Host: ").append(uri.getHost());
            int defaultPort = "https".equals(uri.getScheme()) ? 443 : 80;
            if (uri.getPort() != -1 && uri.getPort() != defaultPort) {
                head.append(':').append(uri.getPort());
            }
            head.append("\r\n");
        }
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            for (String value : header.getValue()) {
                head.append(header.getKey()).append(": ").append(HeadText.checked(header.getKey(), value)).append("\r\n");
            }
        }
        if (bodyLength >= 0) {
            head.append("Content-Length: ").append(bodyLength).append("\r\n");
        } else if (bodyLength == CHUNKED) {
            head.append("Transfer-Encoding: chunked\r\n");
        }
        head.append("\r\n");
        return HeadText.bytes(head);
    }
}
