package org.wsproxy.upstream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The status line and header fields of a backend's answer to a handshake, as received: names
 * case-insensitive, values as their bytes came (ISO-8859-1), several lines of one name kept apart.
 *
 * @param status  the status code
 * @param headers the fields by name, case-insensitive
 */
record ResponseHead(int status, Map<String, List<String>> headers) {

    /** Thrown for a head that is not HTTP/1.1. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    /** Every comma-separated token of every line of {@code name}, trimmed. */
    List<String> tokens(String name) {
        List<String> tokens = new ArrayList<>();
        for (String line : headers.getOrDefault(name, List.of())) {
            for (String token : line.split(",")) {
                if (!token.isBlank()) {
                    tokens.add(token.trim());
                }
            }
        }
        return tokens;
    }

    /**
     * @param head the bytes up to and without the empty line that ends the head
     */
    static ResponseHead parse(byte[] head, int length) throws Malformed {
        String text = new String(head, 0, length, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n", -1);
        String statusLine = lines[0];
        if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
            throw new Malformed("not an HTTP/1.1 status line: [" + printable(statusLine) + "]");
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
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || line.substring(0, colon).contains(" ")) {
                throw new Malformed("malformed header line [" + printable(line) + "]");
            }
            headers.computeIfAbsent(line.substring(0, colon), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        headers.replaceAll((name, values) -> Collections.unmodifiableList(values));
        return new ResponseHead(status, Collections.unmodifiableMap(headers));
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
