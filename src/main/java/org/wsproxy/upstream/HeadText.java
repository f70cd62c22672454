package org.wsproxy.upstream;

import java.nio.charset.StandardCharsets;

/**
 * The text of a request head wsproxy sends a backend (a handshake's, a proxied request's). Header
 * values go out as the client's bytes came in: containers decode header bytes as ISO-8859-1, so
 * writing them back so passes any byte through unchanged. Line breaks and NUL cannot reach here (no
 * container delivers them in a value), and are refused if they do, rather than split a header.
 */
public final class HeadText {

    private HeadText() {
    }

    /**
     * @return {@code value}
     * @throws IllegalArgumentException for a line break or NUL in it
     */
    public static String checked(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("header [" + name + "] has a line break or NUL in its value");
            }
        }
        return value;
    }

    /** ISO-8859-1 where every character fits (the bytes as received), else UTF-8. */
    public static byte[] bytes(CharSequence head) {
        String text = head.toString();
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0xFF) {
                return text.getBytes(StandardCharsets.UTF_8);
            }
        }
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
