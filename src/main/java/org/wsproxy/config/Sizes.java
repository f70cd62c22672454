package org.wsproxy.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the size syntax of wsproxy parameters: {@code 512B}, {@code 64KiB}, {@code 5MiB},
 * {@code 1GiB}, or a bare number of bytes.
 *
 * <p>Only binary units are accepted, and case-sensitively, so that nobody has to guess whether
 * "64k" meant 64,000 or 65,536 bytes.
 */
public final class Sizes {

    /** What a size looks like; the tail of every error message about one. */
    static final String EXPECTED = "expected a size such as 512B, 64KiB, 5MiB (a bare number is bytes)";

    private static final Pattern FORM = Pattern.compile("(\\d+)(B|KiB|MiB|GiB)?");

    private Sizes() {
    }

    /**
     * @param text the value as written; surrounding white space is ignored
     * @return the size in bytes, zero or more
     * @throws IllegalArgumentException if the text is not a size; the message starts with
     *         "expected" and says what is allowed
     */
    public static long parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(EXPECTED);
        }
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), unitBytes(m.group(2)));
        } catch (ArithmeticException | NumberFormatException tooLarge) {
            throw new IllegalArgumentException("expected a size of at most " + Long.MAX_VALUE + " bytes");
        }
    }

    private static long unitBytes(String unit) {
        if (unit == null) {
            return 1;
        }
        return switch (unit) {
            case "B" -> 1;
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            default -> throw new AssertionError(unit); // FORM admits no other suffix
        };
    }
}
