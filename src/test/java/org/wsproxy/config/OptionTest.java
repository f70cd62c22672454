package org.wsproxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The option table itself, and the parsers of the options that are planned but not yet offered. */
class OptionTest {

    @Test
    void namesAreUniqueAndFindable() {
        Set<String> names = new HashSet<>();
        for (Option<?> o : Option.all()) {
            assertTrue(names.add(o.name()), o.name());
            assertEquals(o, Option.named(o.name()));
            assertNotNull(o.description());
        }
        assertEquals(null, Option.named("nonsense"));
    }

    @Test
    void onlyTheBackendIsRequiredAndHasNoDefault() {
        for (Option<?> o : Option.all()) {
            boolean required = o.kind() == Option.Kind.REQUIRED;
            assertEquals(o == Option.BACKEND, required, o.name());
            if (o.defaultText() == null) {
                assertEquals(null, o.defaultValue(), o.name());
            } else {
                assertEquals(o.parse(o.defaultText()), o.defaultValue(), o.name());
            }
        }
    }

    @Test
    void everyOptionIsSupported() {
        String names = Option.supportedNames();
        assertTrue(names.startsWith("backend, forwardPath, forwardQuery, allowedOrigins, dropHeaders"), names);
        assertTrue(names.endsWith("healthCheckInterval, engine, http, readTimeout, maxBodySize, sticky, stickyCookie"), names);
    }

    @Test
    void httpProxyingOptionsTakeTheirValuesAndNameWhatTheyExpect() {
        assertEquals(HttpMode.REFUSE, Option.HTTP.defaultValue());
        assertEquals(HttpMode.PROXY, Option.HTTP.parse(" Proxy "));
        assertEquals("expected one of refuse, proxy",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Option.HTTP.parse("yes")).getMessage());
        assertEquals(Sticky.NONE, Option.STICKY.defaultValue());
        assertEquals(Sticky.COOKIE, Option.STICKY.parse("cookie"));
        assertEquals("expected one of none, cookie",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Option.STICKY.parse("ip")).getMessage());
        assertEquals(java.time.Duration.ofSeconds(60), Option.READ_TIMEOUT.defaultValue());
        assertEquals(0L, Option.MAX_BODY_SIZE.defaultValue());
        assertEquals(5L * 1024 * 1024 * 1024, Option.MAX_BODY_SIZE.parse("5GiB"));
        assertEquals("SRV", Option.STICKY_COOKIE.parse("SRV"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Option.STICKY_COOKIE.parse("a b"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Option.STICKY_COOKIE.parse("a;b"));
    }

    @Test
    void balancingDefaults() {
        assertEquals(Balance.ROUND_ROBIN, Option.BALANCE.defaultValue());
        assertEquals(1, Option.MAX_FAILS.defaultValue());
        assertEquals(Duration.ofSeconds(10), Option.FAIL_TIMEOUT.defaultValue());
        assertEquals(Duration.ZERO, Option.HEALTH_CHECK_INTERVAL.defaultValue());
    }

    @Test
    void balanceNamesAStrategy() {
        assertEquals(Balance.LEAST_CONNECTIONS, Option.BALANCE.parse(" Least-Connections "));
        assertEquals(Balance.IP_HASH, Option.BALANCE.parse("ip-hash"));
        assertEquals("expected one of round-robin, least-connections, ip-hash",
                assertThrows(IllegalArgumentException.class, () -> Option.BALANCE.parse("random")).getMessage());
    }

    @Test
    void maxFailsIsAtLeastOne() {
        assertEquals(3, Option.MAX_FAILS.parse("3"));
        assertThrows(IllegalArgumentException.class, () -> Option.MAX_FAILS.parse("0"));
    }

    @Test
    void failTimeoutIsPositive() {
        assertThrows(IllegalArgumentException.class, () -> Option.FAIL_TIMEOUT.parse("0s"));
    }
}
