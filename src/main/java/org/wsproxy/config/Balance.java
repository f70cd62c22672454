package org.wsproxy.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a route with several backends picks the one for a new connection (option {@code balance}). */
public enum Balance {

    /** Each new connection goes to the next backend in turn (nginx's default, HAProxy's roundrobin). */
    ROUND_ROBIN("round-robin"),
    /**
     * To the backend with the fewest connections open or opening (nginx's least_conn, HAProxy's
     * leastconn): WebSocket connections last, so counting them balances better than taking turns.
     */
    LEAST_CONNECTIONS("least-connections"),
    /**
     * The same client address goes to the same backend while that backend is up (nginx's ip_hash,
     * HAProxy's balance source): for backends that keep per-client state in memory.
     */
    IP_HASH("ip-hash");

    private final String text;

    Balance(String text) {
        this.text = text;
    }

    /** The option's spelling, e.g. "round-robin". */
    @Override
    public String toString() {
        return text;
    }

    static Balance parse(String value) {
        String wanted = value.strip().toLowerCase(Locale.ROOT);
        for (Balance balance : values()) {
            if (balance.text.equals(wanted)) {
                return balance;
            }
        }
        throw new IllegalArgumentException("expected one of "
                + Arrays.stream(values()).map(Balance::toString).collect(Collectors.joining(", ")));
    }
}
