package org.wsproxy.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code trustedProxies} option: IPv4 and IPv6 addresses and CIDR blocks, and the question
 * "is this address one of them?".
 *
 * <p>Everything here is a literal: no text is ever looked up as a host name, neither at deployment
 * (a name would make the start wait on DNS, and its answer could change afterwards) nor per
 * request, where the text comes from a client's X-Forwarded-For. IPv4 octets with a leading zero
 * are refused, since some parsers read {@code 010} as octal 8 and others as decimal 10.
 *
 * <p>Immutable; shared by every request of its route without locking.
 */
public final class AddressBlocks {

    static final String EXPECTED = "expected a comma-separated list of IP addresses or CIDR blocks such as "
            + "10.0.0.0/8, 192.0.2.7, 2001:db8::/32";

    /** No address is trusted: the default. */
    static final AddressBlocks NONE = new AddressBlocks(List.of());

    /** A decimal octet, 0 or without a leading zero; its range is checked after. */
    private static final String OCTET = "(0|[1-9]\\d{0,2})";

    private static final Pattern IPV4 = Pattern.compile(OCTET + "\\." + OCTET + "\\." + OCTET + "\\." + OCTET);

    /** Starts with a hex digit or ':' and contains ':', which InetAddress parses as a literal. */
    private static final Pattern IPV6_CHARS = Pattern.compile("(?=.*:)[0-9A-Fa-f:][0-9A-Fa-f:.]*");

    /** How the prefix of an IPv4-mapped IPv6 block ({@code ::ffff:10.0.0.0/104}) maps onto IPv4. */
    private static final int MAPPED_PREFIX_BITS = 96;

    /** One block: the network's bytes (4 or 16) and how many leading bits of an address must match them. */
    private record Block(String text, byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }

    /** Unmodifiable; empty means no address is trusted. */
    private final List<Block> blocks;

    private AddressBlocks(List<Block> blocks) {
        this.blocks = blocks;
    }

    /**
     * @throws IllegalArgumentException with a message starting "expected" and naming the entry,
     *         if an entry is not an address or a block
     */
    static AddressBlocks parse(String text) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : Parsers.list(text)) {
            blocks.add(block(entry));
        }
        return blocks.isEmpty() ? NONE : new AddressBlocks(Collections.unmodifiableList(blocks));
    }

    /**
     * The address of a TCP peer as a container reports it ({@code ServletRequest.getRemoteAddr()}),
     * without what containers may write around an IPv6 one: brackets ("[::1]") or the interface of a
     * link-local address ("fe80::1%eth0"), which no block names.
     *
     * @return the address, or null when the text is not an IP address
     */
    public static InetAddress peer(String remoteAddr) {
        if (remoteAddr == null) {
            return null;
        }
        String unbracketed = remoteAddr.startsWith("[") && remoteAddr.endsWith("]")
                ? remoteAddr.substring(1, remoteAddr.length() - 1) : remoteAddr;
        int percent = unbracketed.indexOf('%');
        return literal(percent < 0 ? unbracketed : unbracketed.substring(0, percent));
    }

    /**
     * An IPv4 or IPv6 address written as a literal ({@code 192.0.2.7}, {@code 2001:db8::1}), never
     * looked up as a name.
     *
     * @return the address, or null when the text is anything else: a name, a port, brackets, garbage
     */
    public static InetAddress literal(String text) {
        Matcher v4 = IPV4.matcher(text);
        if (v4.matches()) {
            byte[] octets = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(v4.group(i + 1));
                if (octet > 255) {
                    return null;
                }
                octets[i] = (byte) octet;
            }
            return byAddress(octets);
        }
        if (IPV6_CHARS.matcher(text).matches()) {
            try {
                // IPV6_CHARS made sure this parses a literal and never asks DNS.
                return InetAddress.getByName(text);
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    /** True when no address is trusted. */
    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** True if the address is in one of the blocks; an IPv4 address never matches an IPv6 block. */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (Block block : blocks) {
            if (block.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    private static Block block(String entry) {
        int slash = entry.indexOf('/');
        String written = slash < 0 ? entry : entry.substring(0, slash);
        InetAddress address = literal(written);
        if (address == null) {
            boolean name = !written.contains(":") && written.matches(".*[A-Za-z].*");
            throw notABlock(entry, name ? ": host names are not allowed, since they are never looked up; write the "
                    + "proxy's address" : " is neither");
        }
        byte[] network = address.getAddress();
        // InetAddress turns ::ffff:a.b.c.d into the IPv4 address, and so must the prefix follow.
        boolean mapped = address instanceof Inet4Address && written.contains(":");
        int bits = network.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String digits = entry.substring(slash + 1);
            int max = mapped ? bits + MAPPED_PREFIX_BITS : bits;
            if (!digits.matches("\\d{1,3}") || Integer.parseInt(digits) > max
                    || mapped && Integer.parseInt(digits) < MAPPED_PREFIX_BITS) {
                throw notABlock(entry, ": the prefix length must be from " + (mapped ? MAPPED_PREFIX_BITS : 0)
                        + " to " + max);
            }
            prefix = Integer.parseInt(digits) - (mapped ? MAPPED_PREFIX_BITS : 0);
        }
        byte[] masked = mask(network, prefix);
        if (!Arrays.equals(masked, network)) {
            // Most likely a typo in the prefix (192.168.1.0/16); trusting a wider block than meant is not safe to guess.
            throw notABlock(entry, " has address bits set beyond its /" + entry.substring(slash + 1) + " prefix; "
                    + "the block starts at " + byAddress(masked).getHostAddress());
        }
        return new Block(entry, network, prefix);
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] masked = new byte[address.length];
        for (int i = 0; i < address.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] = (byte) (address[i] & (0xff << (8 - keep)));
        }
        return masked;
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    private static IllegalArgumentException notABlock(String entry, String problem) {
        return new IllegalArgumentException(EXPECTED + "; [" + entry + "]" + problem);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressBlocks && ((AddressBlocks) o).toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** The entries as written, comma-separated; empty when none. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Block block : blocks) {
            text.append(text.length() == 0 ? "" : ", ").append(block.text());
        }
        return text.toString();
    }
}
