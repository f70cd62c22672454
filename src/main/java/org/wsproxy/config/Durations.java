package org.wsproxy.config;

import java.time.Duration;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the duration syntax of wsproxy parameters: {@code 500ms}, {@code 10s}, {@code 5m},
 * {@code 1h}, or a bare number of milliseconds.
 *
 * <p>Suffixes are case-sensitive because {@code m} (minutes) and {@code M} would otherwise be
 * one typo apart. Every result fits in a {@code long} of milliseconds, so callers may use
 * {@link Duration#toMillis()} without overflow.
 */
public final class Durations {

    /** What a duration looks like; the tail of every error message about one. */
    static final String EXPECTED =
            "expected a duration such as 500ms, 10s, 5m, 1h (a bare number is milliseconds)";

    private static final Pattern FORM = Pattern.compile("(\\d+)(ms|s|m|h)?");

    private Durations() {
    }

    /**
     * @param text the value as written; surrounding white space is ignored
     * @return the duration, zero or more
     * @throws IllegalArgumentException if the text is not a duration; the message starts with
     *         "expected" and says what is allowed
     */
    public static Duration parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(EXPECTED);
        }
        long millisPerUnit = unitMillis(m.group(2));
        try {
            return Duration.ofMillis(Math.multiplyExact(Long.parseLong(m.group(1)), millisPerUnit));
        } catch (ArithmeticException | NumberFormatException tooLarge) {
            throw new IllegalArgumentException(
                    "expected a duration of at most " + Long.MAX_VALUE + "ms");
        }
    }

    /** As {@link #parse(String)}, and zero is refused: for limits where zero would mean "fail at once". */
    public static Duration parsePositive(String text) {
        Duration d = parse(text);
        if (d.isZero()) {
            throw new IllegalArgumentException("expected a duration greater than 0, such as 500ms, "
                    + "10s, 5m, 1h (a bare number is milliseconds)");
        }
        return d;
    }

    /**
     * As {@link #parse(String)}, for a limit that must not exceed {@code max}.
     *
     * @param maxText {@code max} as users write it, for the message
     */
    static Function<String, Duration> atMost(Duration max, String maxText) {
        return text -> {
            Duration d = parse(text);
            if (d.compareTo(max) > 0) {
                throw new IllegalArgumentException("expected a duration from 0 to " + maxText
                        + ", such as 500ms, 10s, 5m (a bare number is milliseconds)");
            }
            return d;
        };
    }

    private static long unitMillis(String unit) {
        if (unit == null) {
            return 1;
        }
        return switch (unit) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> throw new AssertionError(unit); // FORM admits no other suffix
        };
    }
}
