package org.wsproxy.server;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import jakarta.servlet.http.HttpServletResponse;

/** Which of a backend's handshake answer's headers reach the client, with a 101 or a refusal. */
final class BackendResponses {

    /**
     * Headers that describe the backend's own connection, handshake or body, and so are not passed
     * on: the client's answer has its own.
     */
    private static final Set<String> NOT_PASSED_BACK = Set.of(
            "connection", "upgrade", "sec-websocket-accept", "sec-websocket-protocol", "sec-websocket-extensions",
            "sec-websocket-version", "content-length", "content-type", "transfer-encoding", "keep-alive", "trailer",
            "date", "server");

    private BackendResponses() {
    }

    static boolean passedBack(String name) {
        return !NOT_PASSED_BACK.contains(name.toLowerCase(Locale.ROOT));
    }

    /** Adds the backend's headers that are passed back to the client's answer. */
    static void copy(Map<String, List<String>> headers, HttpServletResponse response) {
        copy(headers, response, UnaryOperator.identity());
    }

    /**
     * As {@link #copy(Map, HttpServletResponse)}, with each Location and Content-Location given
     * to {@code locations} (a refusal's redirect that names the backend, rewritten to wsproxy's URL).
     */
    static void copy(Map<String, List<String>> headers, HttpServletResponse response, UnaryOperator<String> locations) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (passedBack(header.getKey())) {
                boolean location = header.getKey().equalsIgnoreCase("Location")
                        || header.getKey().equalsIgnoreCase("Content-Location");
                for (String value : header.getValue()) {
                    response.addHeader(header.getKey(), location ? locations.apply(value) : value);
                }
            }
        }
    }
}
