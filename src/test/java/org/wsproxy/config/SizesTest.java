package org.wsproxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '=', value = {
        "512B = 512",
        "64KiB = 65536",
        "5MiB = 5242880",
        "2GiB = 2147483648",
        "100 = 100",
        "0 = 0",
        "0KiB = 0",
        "' 1KiB ' = 1024",
        "9223372036854775807 = 9223372036854775807",
        "8589934591GiB = 9223372035781033984",
    })
    void parsesEveryUnit(String text, long bytes) {
        assertEquals(bytes, Sizes.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "64k", "64K", "64KB", "64kib", "64 KiB", "5mib", "5MB", "-1", "-1B", "1.5MiB",
        "KiB", "B", "1TiB"})
    void refusesWhatIsNotASize(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
        assertEquals(Sizes.EXPECTED, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "8589934592GiB", "99999999999999999999B"})
    void refusesWhatOverflowsALong(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
        assertTrue(e.getMessage().startsWith("expected a size of at most"), e.getMessage());
    }
}
