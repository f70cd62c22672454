package org.wsproxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The trustedProxies option: which texts are addresses and blocks, and which addresses a block holds. */
class AddressBlocksTest {

    private static InetAddress address(String literal) {
        InetAddress address = AddressBlocks.literal(literal);
        assertTrue(address != null, literal + " is an IP literal");
        return address;
    }

    @Test
    void emptyByDefaultAndTrustsNobody() {
        AddressBlocks none = Option.TRUSTED_PROXIES.defaultValue();
        assertTrue(none.isEmpty());
        assertFalse(none.contains(address("127.0.0.1")));
        assertFalse(none.contains(address("::1")));
    }

    @Test
    void addressesAndBlocksOfBothFamiliesAreAccepted() {
        AddressBlocks blocks = Option.TRUSTED_PROXIES.parse(" 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32,::1, 0.0.0.0/0");
        assertEquals("10.0.0.0/8, 192.0.2.7, 2001:db8::/32, ::1, 0.0.0.0/0", blocks.toString());
        assertFalse(blocks.isEmpty());
    }

    /** An address inside or outside each kind of block, at the edges of the prefix. */
    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8,         10.255.255.255,   true",
            "10.0.0.0/8,         11.0.0.0,         false",
            "192.0.2.7,          192.0.2.7,        true",
            "192.0.2.7,          192.0.2.8,        false",
            "172.16.0.0/12,      172.31.255.254,   true",
            "172.16.0.0/12,      172.32.0.1,       false",
            "0.0.0.0/0,          203.0.113.9,      true",
            "0.0.0.0/0,          ::1,              false",
            "2001:db8::/32,      2001:db8:ffff::1, true",
            "2001:db8::/32,      2001:db9::1,      false",
            "2001:db8::/33,      2001:db8:7fff::1, true",
            "2001:db8::/33,      2001:db8:8000::1, false",
            "::1,                0:0:0:0:0:0:0:1,  true",
            "::1,                127.0.0.1,        false",
            "::/0,               10.0.0.1,         false",
            "::ffff:10.0.0.0/104, 10.1.2.3,        true",
            "::ffff:10.0.0.0/104, 11.1.2.3,        false"})
    void blocksHoldTheirAddressesOnly(String block, String candidate, boolean held) {
        assertEquals(held, Option.TRUSTED_PROXIES.parse(block).contains(address(candidate)), block + " holds " + candidate);
    }

    /** Names, ports, bad octets and prefixes, ambiguous octal-looking octets, empty entries. */
    @ParameterizedTest
    @ValueSource(strings = {"localhost", "proxy.example", "not-an-ip", "10.0.0.256", "10.0.0", "010.0.0.1",
        "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "2001:db8::/129", "2001:db8:::1", "1.2.3.4:80",
        "[::1]", "fe80::1%eth0", "example.com/8", ".:", "10.0.0.1,,10.0.0.2", "::ffff:10.0.0.0/95", "*"})
    void anythingElseIsRefused(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Option.TRUSTED_PROXIES.parse(text));
        assertTrue(e.getMessage().startsWith("expected a comma-separated list"), e.getMessage());
    }

    @Test
    void messagesSayWhatIsWrongWithTheEntry() {
        assertEquals(AddressBlocks.EXPECTED + "; [10.0.0.0/33]: the prefix length must be from 0 to 32",
                assertThrows(IllegalArgumentException.class, () -> Option.TRUSTED_PROXIES.parse("10.0.0.0/33")).getMessage());
        assertEquals(AddressBlocks.EXPECTED + "; [proxy.example]: host names are not allowed, since they are never "
                + "looked up; write the proxy's address",
                assertThrows(IllegalArgumentException.class, () -> Option.TRUSTED_PROXIES.parse("proxy.example")).getMessage());
        assertEquals(AddressBlocks.EXPECTED + "; [1.2.3.4:80] is neither",
                assertThrows(IllegalArgumentException.class, () -> Option.TRUSTED_PROXIES.parse("1.2.3.4:80")).getMessage());
    }

    /** A block whose address has bits below the prefix is most likely a typo for a narrower or wider block. */
    @Test
    void aBlockWithHostBitsIsRefusedWithItsStart() {
        assertEquals(AddressBlocks.EXPECTED + "; [192.168.1.0/16] has address bits set beyond its /16 prefix; "
                + "the block starts at 192.168.0.0",
                assertThrows(IllegalArgumentException.class, () -> Option.TRUSTED_PROXIES.parse("192.168.1.0/16")).getMessage());
    }

    /** What X-Forwarded-For entries are read with: literals only, never a name, a port or brackets. */
    @ParameterizedTest
    @ValueSource(strings = {"unknown", "localhost", "", " 10.0.0.1", "10.0.0.1:80", "[2001:db8::1]", "010.0.0.1",
        "10.0.0.256", "_hidden", "2001:db8::1%1"})
    void literalIsNullForAnythingButAnAddress(String text) {
        assertNull(AddressBlocks.literal(text), text);
    }

    @Test
    void equalWhenWrittenTheSame() {
        assertEquals(Option.TRUSTED_PROXIES.parse("10.0.0.0/8"), Option.TRUSTED_PROXIES.parse(" 10.0.0.0/8 "));
        assertEquals(Option.TRUSTED_PROXIES.defaultValue(), Option.TRUSTED_PROXIES.parse(""));
    }
}
