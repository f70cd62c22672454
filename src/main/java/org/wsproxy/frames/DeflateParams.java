package org.wsproxy.frames;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * permessage-deflate (RFC 7692) as the frame engine negotiates it on either leg.
 * <p>
 * With a client, wsproxy is the server: it takes the first of the client's offers that it can
 * honour, answered as Tomcat's own stack answers. An offer that limits the server's window below
 * 15 bits is declined: {@link java.util.zip.Deflater} always uses a 32 KiB window. The client's
 * window limit needs nothing from wsproxy (its inflater takes any window), and the
 * no-context-takeover parameters are honoured.
 * <p>
 * With a backend (backendCompression), wsproxy is the client: it offers {@link #BACKEND_OFFER},
 * each of its messages compressed on its own, and takes any answer that keeps to the offer.
 *
 * @param ownNoContextTakeover  wsproxy resets its compressor after each message
 * @param peerNoContextTakeover the peer resets its own (wsproxy resets its decompressor too)
 */
public record DeflateParams(boolean ownNoContextTakeover, boolean peerNoContextTakeover) {

    private static final String NAME = "permessage-deflate";

    /**
     * What wsproxy offers a backend, as the jsr356 engine does: no context kept between messages on
     * either side, so that a connection keeps no dictionary (less memory per connection), and no
     * window limit for wsproxy's own messages, which Java's Deflater could not keep to.
     */
    public static final String BACKEND_OFFER = NAME + "; client_no_context_takeover; server_no_context_takeover";
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
        Optional<List<Param>> params = parameters(parts);
        if (params.isEmpty()) {
            return Optional.empty(); // RFC 7692 section 7: a parameter given twice declines the offer
        }
        for (Param param : params.get()) {
            String value = param.value();
            switch (param.name()) {
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

    /** One parameter of an extension: its name in lower case, its value unquoted (null for none), as written. */
    private record Param(String name, String value, String written) {
    }

    /**
     * The parameters of one extension, {@code parts[0]} being its name.
     *
     * @return empty when a parameter is given twice
     */
    private static Optional<List<Param>> parameters(String[] parts) {
        List<Param> params = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < parts.length; i++) {
            String written = parts[i].trim();
            int eq = written.indexOf('=');
            String name = (eq < 0 ? written : written.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            if (!seen.add(name)) {
                return Optional.empty();
            }
            params.add(new Param(name, eq < 0 ? null : unquote(written.substring(eq + 1).trim()), written));
        }
        return Optional.of(params);
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

    /** The Sec-WebSocket-Extensions value of the 101 to a client. */
    public String response() {
        return NAME + (ownNoContextTakeover ? "; server_no_context_takeover" : "")
                + (peerNoContextTakeover ? "; client_no_context_takeover" : "");
    }

    /**
     * A backend's answer to {@link #BACKEND_OFFER}.
     *
     * @param extensions the extensions the backend's 101 names, one per element
     * @return the parameters of the leg to the backend; empty when it accepted no extension
     * @throws IllegalArgumentException naming what does not keep to the offer: another extension,
     *                                  permessage-deflate twice, a parameter not offered or with a value
     */
    public static Optional<DeflateParams> backendAnswer(List<String> extensions) {
        if (extensions.isEmpty()) {
            return Optional.empty();
        }
        if (extensions.size() > 1) {
            throw new IllegalArgumentException("extensions " + extensions + " where only " + NAME + " was offered");
        }
        String[] parts = extensions.get(0).split(";");
        if (!parts[0].trim().equalsIgnoreCase(NAME)) {
            throw new IllegalArgumentException("extension [" + parts[0].trim() + "] where only " + NAME + " was offered");
        }
        boolean serverNoTakeover = false;
        List<Param> params = parameters(parts).orElseThrow(
                () -> new IllegalArgumentException(NAME + " with a parameter given twice [" + extensions.get(0) + "]"));
        for (Param param : params) {
            String name = param.name();
            String value = param.value();
            switch (name) {
                case "server_no_context_takeover", "client_no_context_takeover" -> {
                    if (value != null) {
                        throw new IllegalArgumentException(NAME + " parameter [" + name + "] with a value");
                    }
                    serverNoTakeover |= name.startsWith("server");
                }
                case "server_max_window_bits" -> {
                    // The backend's own window: wsproxy's inflater takes any.
                    if (windowBits(value) < 0) {
                        throw new IllegalArgumentException(NAME + " parameter [" + param.written() + "] out of 8..15");
                    }
                }
                default -> throw new IllegalArgumentException(NAME + " parameter [" + param.written() + "] that was not offered");
            }
        }
        return Optional.of(new DeflateParams(true, serverNoTakeover));
    }
}
