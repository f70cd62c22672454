package org.wsproxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '=', value = {
        "500ms = 500",
        "10s = 10000",
        "5m = 300000",
        "1h = 3600000",
        "250 = 250",
        "0 = 0",
        "0s = 0",
        "007s = 7000",
        "9223372036854775807 = 9223372036854775807",
        "9223372036854775ms = 9223372036854775",
    })
    void parsesEveryUnit(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), Durations.parse(text));
    }

    @Test
    void ignoresSurroundingWhiteSpace() {
        assertEquals(Duration.ofSeconds(10), Durations.parse("  10s\n\t"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "10 sec", "10 s", "10S", "10MS", "1H", "-1", "-5s", "+5s", "1.5s", "1d",
        "ms", "s10", "10s5", "1e3", "PT10S", "١٠"})
    void refusesWhatIsNotADuration(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertEquals(Durations.EXPECTED, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "99999999999999999999999", "9223372036854776s",
        "2562047788016h"})
    void refusesWhatOverflowsMilliseconds(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().startsWith("expected a duration of at most"), e.getMessage());
    }

    @Test
    void theLargestAcceptedDurationStillConvertsToMillis() {
        assertEquals(2562047788015L * 3_600_000, Durations.parse("2562047788015h").toMillis());
    }

    @Test
    void positiveRefusesZeroOnly() {
        assertEquals(Duration.ofMillis(1), Durations.parsePositive("1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parsePositive("0s"));
        assertTrue(e.getMessage().startsWith("expected a duration greater than 0"), e.getMessage());
    }
}
