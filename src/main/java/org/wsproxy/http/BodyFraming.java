package org.wsproxy.http;

import java.nio.ByteBuffer;
import java.util.Locale;

import org.wsproxy.upstream.ResponseHead;

/**
 * Where a response body ends (RFC 9112 section 6.3): after Content-Length bytes, at the last chunk
 * of a chunked body, or when the backend closes the connection; or at once (HEAD, 204, 304). The
 * chunk framing is taken off here: the client's container frames the body anew.
 * <p>
 * Owned by the thread relaying the response.
 */
final class BodyFraming {

    /** Thrown for a chunked body whose framing is broken. */
    static final class Broken extends Exception {
        private static final long serialVersionUID = 1L;

        Broken(String message) {
            super(message);
        }
    }

    /**
     * The longest chunk-size line (with extensions) and trailer line taken: real ones are a few
     * bytes; a backend sending more is broken, and its bytes are not gathered without end.
     */
    private static final int MAX_LINE = 4096;

    private enum Kind { EMPTY, LENGTH, CHUNKED, UNTIL_CLOSE }

    private enum Step { SIZE, DATA, DATA_END, TRAILER, DONE }

    private final Kind kind;
    /** LENGTH: bytes left; CHUNKED: bytes left of the current chunk. */
    private long left;
    private Step step;
    private final StringBuilder line = new StringBuilder();

    private BodyFraming(Kind kind, long length) {
        this.kind = kind;
        this.left = length;
        this.step = kind == Kind.EMPTY || (kind == Kind.LENGTH && length == 0) ? Step.DONE
                : kind == Kind.CHUNKED ? Step.SIZE : Step.DATA;
    }

    /**
     * @param headRequest the request was a HEAD: the response has no body whatever its headers say
     * @throws Broken for a Content-Length that is not one number, or chunked not last
     */
    static BodyFraming of(ResponseHead head, boolean headRequest) throws Broken {
        int status = head.status();
        if (headRequest || status == 204 || status == 304 || status < 200) {
            return new BodyFraming(Kind.EMPTY, 0);
        }
        var codings = head.tokens("Transfer-Encoding").stream().map(c -> c.toLowerCase(Locale.ROOT)).toList();
        if (!codings.isEmpty()) {
            // RFC 9112 section 6.3: chunked must be last; Transfer-Encoding beats Content-Length.
            if (!codings.get(codings.size() - 1).equals("chunked")) {
                throw new Broken("Transfer-Encoding " + codings + " does not end with chunked");
            }
            if (codings.size() > 1) {
                throw new Broken("Transfer-Encoding " + codings + " is not relayed: only chunked is");
            }
            return new BodyFraming(Kind.CHUNKED, 0);
        }
        var lengths = head.values("Content-Length");
        if (!lengths.isEmpty()) {
            String first = null;
            for (String value : lengths) {
                for (String part : value.split(",")) {
                    String trimmed = part.trim();
                    if (first != null && !first.equals(trimmed)) {
                        throw new Broken("Content-Length values differ: " + lengths);
                    }
                    first = trimmed;
                }
            }
            long length;
            try {
                length = Long.parseLong(first);
            } catch (NumberFormatException e) {
                throw new Broken("Content-Length [" + first + "] is not a number");
            }
            if (length < 0 || !first.chars().allMatch(Character::isDigit)) {
                throw new Broken("Content-Length [" + first + "] is not a number");
            }
            return new BodyFraming(Kind.LENGTH, length);
        }
        return new BodyFraming(Kind.UNTIL_CLOSE, 0);
    }

    /** The body's length when the head gave it, else -1. */
    long length() {
        return kind == Kind.LENGTH ? left : -1;
    }

    /** True when the body ends where the connection does: the connection cannot be used again. */
    boolean untilClose() {
        return kind == Kind.UNTIL_CLOSE;
    }

    boolean done() {
        return step == Step.DONE;
    }

    /**
     * Takes framing bytes off the front of {@code in} and says how many body bytes follow there.
     *
     * @return the number of body bytes at {@code in}'s position, to be passed on and then given to
     *         {@link #consumed}; 0 when {@code in} must be read further first (or the body is done)
     */
    int data(ByteBuffer in) throws Broken {
        while (in.hasRemaining() && step != Step.DONE) {
            switch (step) {
                case DATA -> {
                    if (kind == Kind.UNTIL_CLOSE) {
                        return in.remaining();
                    }
                    return (int) Math.min(left, in.remaining());
                }
                case SIZE -> {
                    if (readLine(in)) {
                        left = chunkSize(line.toString());
                        line.setLength(0);
                        step = left == 0 ? Step.TRAILER : Step.DATA;
                    }
                }
                case DATA_END -> {
                    if (readLine(in)) {
                        if (line.length() != 0) {
                            throw new Broken("chunk not followed by CRLF");
                        }
                        step = Step.SIZE;
                    }
                }
                case TRAILER -> {
                    // Trailer fields are not relayed (the client's container frames the body anew).
                    if (readLine(in)) {
                        boolean end = line.length() == 0;
                        line.setLength(0);
                        if (end) {
                            step = Step.DONE;
                        }
                    }
                }
                default -> throw new IllegalStateException(step.name());
            }
        }
        return 0;
    }

    /** {@code n} body bytes given by {@link #data} were passed on; {@code in}'s position moved past them by the caller. */
    void consumed(int n) {
        if (kind == Kind.UNTIL_CLOSE) {
            return;
        }
        left -= n;
        if (left == 0) {
            step = kind == Kind.LENGTH ? Step.DONE : Step.DATA_END;
        }
    }

    /** The backend closed the connection: true when that ends the body, false when the body is cut short. */
    boolean closedIsEnd() {
        if (kind == Kind.UNTIL_CLOSE) {
            step = Step.DONE;
            return true;
        }
        return step == Step.DONE;
    }

    /** Reads up to a CRLF into {@link #line}; true once the line is complete (CRLF taken, not kept). */
    private boolean readLine(ByteBuffer in) throws Broken {
        while (in.hasRemaining()) {
            char c = (char) (in.get() & 0xff);
            if (c == '\n') {
                int last = line.length() - 1;
                if (last < 0 || line.charAt(last) != '\r') {
                    throw new Broken("bare LF in chunk framing");
                }
                line.setLength(last);
                return true;
            }
            if (line.length() >= MAX_LINE) {
                throw new Broken("chunk framing line longer than " + MAX_LINE + " bytes");
            }
            line.append(c);
        }
        return false;
    }

    private static long chunkSize(String sizeLine) throws Broken {
        int semicolon = sizeLine.indexOf(';');
        String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
        if (hex.isEmpty() || hex.length() > 15 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new Broken("chunk size [" + (hex.length() > 20 ? hex.substring(0, 20) + "..." : hex) + "] is not hexadecimal");
        }
        return Long.parseLong(hex, 16);
    }
}
