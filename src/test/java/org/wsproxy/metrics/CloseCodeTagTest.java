package org.wsproxy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/** A peer chooses its close code; the number of series it can make must stay small. */
class CloseCodeTagTest {

    @Test
    void standardCodesKeepTheirNumberAndTheRangesAreBucketed() {
        assertEquals("1000", CloseCodeTag.of(1000));
        assertEquals("1005", CloseCodeTag.of(1005));
        assertEquals("1006", CloseCodeTag.of(1006));
        assertEquals("1014", CloseCodeTag.of(1014));
        assertEquals("1015", CloseCodeTag.of(1015));
        assertEquals("other", CloseCodeTag.of(1016));
        assertEquals("other", CloseCodeTag.of(2999));
        assertEquals("3xxx", CloseCodeTag.of(3000));
        assertEquals("3xxx", CloseCodeTag.of(3999));
        assertEquals("4xxx", CloseCodeTag.of(4000));
        assertEquals("4xxx", CloseCodeTag.of(4999));
        assertEquals("other", CloseCodeTag.of(5000));
        assertEquals("other", CloseCodeTag.of(-1));
    }

    /** Every code a close frame can carry (two bytes) gives one of at most 19 values. */
    @Test
    void everyPossibleCodeFallsIntoNineteenValues() {
        Set<String> tags = new TreeSet<>();
        for (int code = 0; code <= 0xffff; code++) {
            tags.add(CloseCodeTag.of(code));
        }
        assertEquals(19, tags.size(), tags::toString);
    }
}
