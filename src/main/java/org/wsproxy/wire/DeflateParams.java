package org.wsproxy.wire;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * permessage-deflate on the client leg (RFC 7692), as the frame engine negotiates it: the first
 * of the client's offers that it can honour, answered as Tomcat's own stack answers. An offer that
 * limits the server's window below 15 bits is declined: {@link java.util.zip.Deflater} always uses
 * a 32 KiB window. The client's window limit needs nothing from wsproxy (its inflater takes any
 * window), and the no-context-takeover parameters are honoured.
 *
 * @param serverNoContextTakeover wsproxy resets its compressor after each message
 * @param clientNoContextTakeover the client resets its own (wsproxy resets its decompressor too)
 */
public record DeflateParams(boolean serverNoContextTakeover, boolean clientNoContextTakeover) {

    private static final String NAME = "permessage-deflate";
    /** The largest window, and the only one Java's Deflater can use. */
    private static final int MAX_WINDOW_BITS = 15;

    /**
     * @param offers the values of the client's Sec-WebSocket-Extensions lines
     * @return the parameters of the first acceptable permessage-deflate offer, empty if none
     */
    public static Optional<DeflateParams> negotiate(List<String> offers) {
        for (String line : offers) {
            for (String offer : line.split(",")) {
                Optional<DeflateParams> accepted = accept(offer);
                if (accepted.isPresent()) {
                    return accepted;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<DeflateParams> accept(String offer) {
        String[] parts = offer.split(";");
        if (!parts[0].trim().equalsIgnoreCase(NAME)) {
            return Optional.empty();
        }
        boolean serverNoTakeover = false;
        boolean clientNoTakeover = false;
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < parts.length; i++) {
            String param = parts[i].trim();
            int eq = param.indexOf('=');
            String name = (eq < 0 ? param : param.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? null : unquote(param.substring(eq + 1).trim());
            if (!seen.add(name)) {
                return Optional.empty(); // RFC 7692 section 7: a parameter given twice declines the offer
            }
            switch (name) {
                case "server_no_context_takeover" -> {
                    if (value != null) {
                        return Optional.empty();
                    }
                    serverNoTakeover = true;
                }
                case "client_no_context_takeover" -> {
                    if (value != null) {
                        return Optional.empty();
                    }
                    clientNoTakeover = true;
                }
                case "server_max_window_bits" -> {
                    if (windowBits(value) != MAX_WINDOW_BITS) {
                        return Optional.empty();
                    }
                }
                case "client_max_window_bits" -> {
                    if (value != null && windowBits(value) < 0) {
                        return Optional.empty();
                    }
                }
                default -> {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(new DeflateParams(serverNoTakeover, clientNoTakeover));
    }

    /** @return the bits 8 to 15, or -1 for anything else */
    private static int windowBits(String value) {
        if (value == null || !value.matches("[0-9]{1,2}")) {
            return -1;
        }
        int bits = Integer.parseInt(value);
        return bits >= 8 && bits <= MAX_WINDOW_BITS ? bits : -1;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    /** The Sec-WebSocket-Extensions value of the 101. */
    public String response() {
        return NAME + (serverNoContextTakeover ? "; server_no_context_takeover" : "")
                + (clientNoContextTakeover ? "; client_no_context_takeover" : "");
    }
}
