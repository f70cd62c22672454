package org.wsproxy.status;

/**
 * Just enough JSON writing for the status view: objects and arrays are written by the caller as
 * text, strings go through {@link #string}. Not a general library on purpose: the view is a fixed
 * shape, and a dependency for it would be one more jar in every application that embeds wsproxy.
 */
final class Json {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    /**
     * A JSON string literal, quotes included; null becomes {@code null}. Control characters,
     * quotes and backslashes are escaped as JSON requires, and so are {@code <}, {@code >} and
     * {@code &}, so that the text stays inert wherever it is pasted, even into HTML.
     */
    static String string(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    // U+2028 and U+2029 end lines in older JavaScript parsers.
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                                .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
