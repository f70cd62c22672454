package org.wsproxy.metrics;

/**
 * The {@code code} tag of {@code wsproxy.closes}, with a bounded number of values.
 * <p>
 * A close code is chosen by the peer: RFC 6455 lets it send any of the 2,000 codes from 3000 to
 * 4999, and each distinct tag value is a time series that the registries (and Prometheus after
 * them) keep for the application's life. Per side and backend, a peer that cycled through them
 * would make 2,000 series. So the codes of RFC 6455 and the IANA registry (1000-1015, including
 * 1005 "no status" and 1006 "dropped", which wsproxy reports for a leg that closed without a code
 * or without a close frame) keep their number, the registered and private ranges become
 * {@code 3xxx} and {@code 4xxx}, and anything else {@code other}: at most 19 values.
 */
final class CloseCodeTag {

    private static final int FIRST_STANDARD = 1000;
    private static final int LAST_STANDARD = 1015;

    private CloseCodeTag() {
    }

    static String of(int code) {
        if (code >= FIRST_STANDARD && code <= LAST_STANDARD) {
            return Integer.toString(code);
        }
        if (code >= 3000 && code <= 3999) {
            return "3xxx";
        }
        if (code >= 4000 && code <= 4999) {
            return "4xxx";
        }
        return "other";
    }
}
