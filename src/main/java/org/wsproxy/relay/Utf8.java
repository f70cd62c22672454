package org.wsproxy.relay;

/** UTF-8 lengths without encoding. */
final class Utf8 {

    private Utf8() {
    }

    /** @return the number of bytes {@code s} takes in UTF-8 (a lone surrogate counts as 3, as the encoder's replacement does) */
    static long length(CharSequence s) {
        long bytes = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
