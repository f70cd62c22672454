package org.wsproxy.config;

/**
 * Checks the path of a route: a servlet url-pattern, restricted to the two forms a WebSocket
 * route can use, an exact path ({@code /chat}) or a path prefix ({@code /chat/*}).
 *
 * <p>Extension patterns ({@code *.ws}) and the default mapping ({@code /}) are refused: the first
 * has no sensible backend path, and the second looks like "the root" but in a servlet container
 * means "everything no other servlet takes", which is {@code /*} in disguise.
 */
final class UrlPatterns {

    static final String EXPECTED = "expected a url-pattern such as /chat (exact path) or /chat/* (prefix)";

    private UrlPatterns() {
    }

    /** @return the pattern without surrounding white space */
    static String check(String text) {
        String pattern = text.strip();
        if (pattern.equals("/")) {
            throw new IllegalArgumentException(EXPECTED
                    + "; / alone is the servlet default mapping, use /* to proxy every path");
        }
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException(EXPECTED + "; it must start with /");
        }
        String base = pattern.endsWith("/*") ? pattern.substring(0, pattern.length() - 1) : pattern;
        for (int i = 0; i < base.length(); i++) {
            char c = base.charAt(i);
            if (c == '*' || c == '?' || c == '#' || c <= ' ' || c == 0x7f) {
                throw new IllegalArgumentException(EXPECTED + "; * may only end a prefix as /*, "
                        + "and ?, # and white space are not allowed");
            }
        }
        return pattern;
    }

    static boolean isPrefix(String pattern) {
        return pattern.endsWith("/*");
    }
}
