package org.wsproxy.relay;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Instant;

/**
 * The access log: one line per closed connection (and per proxied HTTP request), at INFO, under its own logger
 * {@value #LOGGER_NAME} so that operators can send it to a file of its own.
 * <p>
 * The line is {@code key=value} pairs separated by single spaces, always in the same order (see
 * {@link #format}). Values that come from the network (close reasons, and anything else that
 * could hold a space, a quote or a control character) are written in double quotes with
 * backslash escapes, so that no reason, however hostile, can end the line or forge a field.
 * <p>
 * Only connections whose client leg opened get a line: a handshake refused before the client's 101
 * (502, 504, the backend's own status) is logged by the route's handler as a WARNING instead.
 */
public final class AccessLog {

    /** The logger's name; a constant, as operators configure it by name. */
    static final String LOGGER_NAME = "org.wsproxy.access";

    private static final Logger LOG = System.getLogger(LOGGER_NAME);

    private AccessLog() {
    }

    /** Logs {@code closed}; the line is built only if the logger takes INFO. */
    static void log(ClosedConnection closed) {
        LOG.log(Level.INFO, () -> format(closed));
    }

    /**
     * {@code start=<ISO-8601 UTC> route= client= backend= duration_ms= in_msgs= in_bytes= out_msgs=
     * out_bytes= client_close= client_reason="" backend_close= backend_reason="" first=client|backend|proxy}
     */
    static String format(ClosedConnection c) {
        StringBuilder line = new StringBuilder(256);
        line.append("start=").append(c.started());
        line.append(" route=");
        token(line, c.connection().route());
        line.append(" client=");
        token(line, c.connection().client());
        line.append(" backend=");
        token(line, String.valueOf(c.connection().backend()));
        line.append(" duration_ms=").append(c.duration().toMillis());
        line.append(" in_msgs=").append(c.inMessages());
        line.append(" in_bytes=").append(c.inBytes());
        line.append(" out_msgs=").append(c.outMessages());
        line.append(" out_bytes=").append(c.outBytes());
        line.append(" client_close=").append(c.clientCode());
        line.append(" client_reason=");
        quoted(line, c.clientReason());
        line.append(" backend_close=").append(c.backendCode());
        line.append(" backend_reason=");
        quoted(line, c.backendReason());
        line.append(" first=").append(c.closedFirst() == null ? "proxy" : c.closedFirst().label());
        return line.toString();
    }

    /**
     * Logs one proxied HTTP request (route option http=proxy), in the same log and form as the
     * connections: {@code start= route= client= backend= duration_ms= method= path="" status=
     * in_bytes= out_bytes= complete=true|false}. Bytes are the bodies' (the request's as read from the
     * client, the response's as written to it).
     */
    public static void request(Instant started, String route, String client, String backend, long durationMillis,
                               String method, String path, int status, long inBytes, long outBytes, boolean complete) {
        LOG.log(Level.INFO, () -> {
            StringBuilder line = new StringBuilder(256);
            line.append("start=").append(started);
            line.append(" route=");
            token(line, route);
            line.append(" client=");
            token(line, client);
            line.append(" backend=");
            token(line, backend);
            line.append(" duration_ms=").append(durationMillis);
            line.append(" method=");
            token(line, method);
            line.append(" path=");
            quoted(line, path);
            line.append(" status=").append(status);
            line.append(" in_bytes=").append(inBytes);
            line.append(" out_bytes=").append(outBytes);
            line.append(" complete=").append(complete);
            return line.toString();
        });
    }

    /** A value written bare when it can be, quoted when it holds anything that could split the line. */
    private static void token(StringBuilder line, String value) {
        if (value == null || value.isEmpty()) {
            line.append('-');
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c == '"' || c == '\\' || c == '=' || c >= 0x7f) {
                quoted(line, value);
                return;
            }
        }
        line.append(value);
    }

    /**
     * {@code value} in double quotes; backslash, quote, CR, LF and tab as {@code \\ \" \r \n \t},
     * every other control character and the Unicode line and paragraph separators (which some
     * log viewers break lines at) as {@code \}{@code uXXXX}.
     */
    private static void quoted(StringBuilder line, String value) {
        line.append('"');
        for (int i = 0; value != null && i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> line.append("\\\\");
                case '"' -> line.append("\\\"");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> {
                    if (c < ' ' || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
                        line.append(String.format("\\u%04x", (int) c));
                    } else {
                        line.append(c);
                    }
                }
            }
        }
        line.append('"');
    }
}
