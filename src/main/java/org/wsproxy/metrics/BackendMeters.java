package org.wsproxy.metrics;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import org.wsproxy.pool.Backend;
import org.wsproxy.relay.ClosedConnection;
import org.wsproxy.relay.TrafficTotals;

/**
 * The meters of one backend of one route, tagged {@code route} and {@code backend} (its URL), or
 * of the handshakes of a route that reached no backend (tagged {@code backend="none"}).
 * <p>
 * What the backend keeps anyway (open connections, rotation, failures, traffic) is read from it
 * when the meters are read, so the proxying path pays nothing for it. Handshakes and closes are
 * counted here as they are reported, once per connection. Every outcome of a handshake that can
 * happen is registered at the start, at 0, so that a rate of 502s exists before the first one.
 * <p>
 * Thread-safe: the counters and the registry are Micrometer's, which finds a registered meter
 * again without a lock.
 */
final class BackendMeters {

    static final String CONNECTIONS_OPEN = "wsproxy.connections.open";
    static final String BACKEND_UP = "wsproxy.backend.up";
    static final String BACKEND_FAILURES = "wsproxy.backend.failures";
    static final String MESSAGES = "wsproxy.messages";
    static final String BYTES = "wsproxy.bytes";
    static final String HANDSHAKES = "wsproxy.handshakes";
    static final String CLOSES = "wsproxy.closes";
    /** Proxied HTTP requests (route option http=proxy), by status class: 2xx ... 5xx, or none (the client went away first). */
    static final String HTTP_REQUESTS = "wsproxy.http.requests";

    /** The backend tag of handshakes answered before any backend was tried. */
    static final String NO_BACKEND = "none";

    private final MeterRegistry registry;
    private final Tags tags;
    /**
     * The handshake counters by outcome, registered at the start, and the close counters by side and
     * code tag, registered on first use (at most 19 tags per side, see CloseCodeTag): looked up here
     * rather than in the registry, whose lookup builds and sorts the meter's tags and id on every
     * event, on the request and delivery threads.
     */
    private final Map<HandshakeOutcome, Counter> handshakes = new EnumMap<>(HandshakeOutcome.class);
    private final Map<String, Counter> closes = new ConcurrentHashMap<>();
    /** By status class, registered on first use (at most six). */
    private final Map<String, Counter> httpRequests = new ConcurrentHashMap<>();

    /** @param outcomes the outcomes that can happen here, registered now at 0 */
    private BackendMeters(MeterRegistry registry, String route, String backend, Set<HandshakeOutcome> outcomes) {
        this.registry = registry;
        this.tags = Tags.of("route", route, "backend", backend);
        for (HandshakeOutcome outcome : outcomes) {
            handshakes.put(outcome, handshakes(outcome));
        }
    }

    /** The meters of a route's handshakes that no backend answered. */
    static BackendMeters none(MeterRegistry registry, String route) {
        // Refused by wsproxy itself: a bad handshake, or 503 (full, stopping, no backend in rotation).
        return new BackendMeters(registry, route, NO_BACKEND,
                EnumSet.of(HandshakeOutcome.CLIENT_ERROR, HandshakeOutcome.SERVICE_UNAVAILABLE));
    }

    /**
     * The meters of one backend. Micrometer holds {@code backend} and its totals weakly: they live as
     * long as the application's backend pool, which outlives the registries.
     */
    static BackendMeters of(MeterRegistry registry, String route, Backend backend) {
        BackendMeters meters = new BackendMeters(registry, route, backend.uri().toString(),
                EnumSet.allOf(HandshakeOutcome.class));
        Tags tags = meters.tags;
        Gauge.builder(CONNECTIONS_OPEN, backend, Backend::openConnections)
                .description("Connections open or opening to the backend").tags(tags).register(registry);
        Gauge.builder(BACKEND_UP, backend, b -> b.up() ? 1 : 0)
                .description("1 while the backend is in rotation, 0 while it is out after failed connects")
                .tags(tags).register(registry);
        FunctionCounter.builder(BACKEND_FAILURES, backend, Backend::failures)
                .description("Failed connects and health probes of the backend").tags(tags).register(registry);
        traffic(registry, tags, "in", backend.in());
        traffic(registry, tags, "out", backend.out());
        return meters;
    }

    private static void traffic(MeterRegistry registry, Tags tags, String direction, TrafficTotals totals) {
        FunctionCounter.builder(MESSAGES, totals, TrafficTotals::messages)
                .description("Messages passed on: in = client to backend, out = backend to client")
                .tags(tags).tag("direction", direction).register(registry);
        FunctionCounter.builder(BYTES, totals, TrafficTotals::bytes).baseUnit("bytes")
                .description("Payload bytes passed on (text as UTF-8): in = client to backend, out = backend to client")
                .tags(tags).tag("direction", direction).register(registry);
    }

    void handshake(int status) {
        HandshakeOutcome outcome = HandshakeOutcome.of(status);
        Counter counter = handshakes.get(outcome);
        // An outcome not expected here (a 502 on the no-backend meters) is still counted, the slow way.
        (counter != null ? counter : handshakes(outcome)).increment();
    }

    /** Registered once; later calls find the same counter. */
    private Counter handshakes(HandshakeOutcome outcome) {
        return Counter.builder(HANDSHAKES)
                .description("Client handshakes answered, by outcome: ok (101), 4xx, 502, 503, 504, other")
                .tags(tags).tag("outcome", outcome.tag())
                .register(registry);
    }

    void closed(ClosedConnection closed) {
        close("client", closed.clientCode());
        close("backend", closed.backendCode());
    }

    /** Registered on first use: most of the possible codes are never seen, and need no series. */
    private void close(String side, int code) {
        String codeTag = CloseCodeTag.of(code);
        closes.computeIfAbsent(side + " " + codeTag, key -> Counter.builder(CLOSES)
                .description("Close codes each leg reported (1005: no code, 1006: dropped without a close frame);"
                        + " 3000-3999 and 4000-4999 are counted as 3xxx and 4xxx")
                .tags(tags).tag("side", side).tag("code", codeTag)
                .register(registry)).increment();
    }

    /** A proxied HTTP request ended with {@code status} (0: the client went away before one). */
    void httpRequest(int status) {
        String statusClass = status == 0 ? "none" : (status / 100) + "xx";
        httpRequests.computeIfAbsent(statusClass, c -> Counter.builder(HTTP_REQUESTS)
                .description("Proxied HTTP requests (http=proxy) by the status class the client got")
                .tags(tags).tag("status", c).register(registry)).increment();
    }
}
