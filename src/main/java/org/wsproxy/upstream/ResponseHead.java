package org.wsproxy.upstream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The status line and header fields of a backend's answer (to a handshake, or to a proxied HTTP
 * request), as received: values as their bytes came (ISO-8859-1), in order, several lines of one
 * name kept apart.
 *
 * @param http11 true for HTTP/1.1, false for HTTP/1.0 (taken only where the caller allows it)
 */
public record ResponseHead(boolean http11, int status, List<Field> fields) {

    /** One header line. */
    public record Field(String name, String value) {
    }

    /** Thrown for a head that is not HTTP/1.1 (or 1.0, where allowed). */
    public static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    /** The fields by name, case-insensitive. */
    public Map<String, List<String>> headers() {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Field field : fields) {
            headers.computeIfAbsent(field.name(), k -> new ArrayList<>()).add(field.value());
        }
        headers.replaceAll((name, values) -> Collections.unmodifiableList(values));
        return Collections.unmodifiableMap(headers);
    }

    /** The values of {@code name}, one per line. */
    public List<String> values(String name) {
        List<String> values = new ArrayList<>();
        for (Field field : fields) {
            if (field.name().equalsIgnoreCase(name)) {
                values.add(field.value());
            }
        }
        return values;
    }

    /** Every comma-separated token of every line of {@code name}, trimmed. */
    public List<String> tokens(String name) {
        List<String> tokens = new ArrayList<>();
        for (String line : values(name)) {
            for (String token : line.split(",")) {
                if (!token.isBlank()) {
                    tokens.add(token.trim());
                }
            }
        }
        return tokens;
    }

    /** A handshake's answer: HTTP/1.1 only. */
    static ResponseHead parse(byte[] head, int length) throws Malformed {
        return parse(head, 0, length, false);
    }

    /**
     * @param head   the bytes up to and without the empty line that ends the head
     * @param http10 whether HTTP/1.0 is taken (a proxied request's answer may be one)
     */
    public static ResponseHead parse(byte[] head, int offset, int length, boolean http10) throws Malformed {
        String text = new String(head, offset, length, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n", -1);
        String statusLine = lines[0];
        boolean http11 = statusLine.startsWith("HTTP/1.1 ");
        if (!(http11 || (http10 && statusLine.startsWith("HTTP/1.0 "))) || statusLine.length() < 12) {
            throw new Malformed("not an HTTP/1.1" + (http10 ? " or 1.0" : "") + " status line: [" + printable(statusLine) + "]");
        }
        int status;
        try {
            status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new Malformed("no status code in [" + printable(statusLine) + "]");
        }
        if (status < 100 || status > 599 || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
            throw new Malformed("no status code in [" + printable(statusLine) + "]");
        }
        List<Field> fields = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            // RFC 9112 section 5: no white space before the colon, no folded lines (obs-fold).
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || line.substring(0, colon).contains(" ")
                    || line.substring(0, colon).contains("\t")) {
                throw new Malformed("malformed header line [" + printable(line) + "]");
            }
            fields.add(new Field(line.substring(0, colon), line.substring(colon + 1).trim()));
        }
        return new ResponseHead(http11, status, List.copyOf(fields));
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
