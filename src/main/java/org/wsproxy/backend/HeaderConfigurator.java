package org.wsproxy.backend;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.HandshakeResponse;

/**
 * Puts the client's end-to-end headers into the backend handshake and keeps the backend's answer
 * until {@link #release()}. One instance per backend connection.
 */
final class HeaderConfigurator extends ClientEndpointConfig.Configurator {

    /** The client's headers to send; null once released. */
    private volatile Map<String, List<String>> headers;
    /** Written by the Tyrus thread that reads the handshake answer, read after connectToServer returns. */
    private volatile Map<String, List<String>> responseHeaders = Map.of();
    /**
     * The header map of the request Tyrus built (the instance, which identifies the connection
     * that carried it: see {@link UnansweredHandshakes}); null before beforeRequest and once released.
     */
    private volatile Map<String, List<String>> request;

    HeaderConfigurator(Map<String, List<String>> headers) {
        this.headers = headers;
    }

    @Override
    public void beforeRequest(Map<String, List<String>> request) {
        Map<String, List<String>> headers = this.headers;
        if (headers == null) {
            return;
        }
        this.request = request;
        // Tyrus adds an Origin made from the backend URL; a client that sent none must not get one.
        request.keySet().removeIf(name -> name.equalsIgnoreCase("Origin"));
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase("Host")) {
                request.keySet().removeIf(name -> name.equalsIgnoreCase("Host"));
            }
            request.put(header.getKey(), header.getValue());
        }
    }

    @Override
    public void afterResponse(HandshakeResponse response) {
        if (headers == null) {
            return; // released: connectToServer has already returned
        }
        Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(response.getHeaders());
        responseHeaders = copy;
    }

    /** The header map Tyrus sent the handshake with; null if none was built or after {@link #release()}. */
    Map<String, List<String>> request() {
        return request;
    }

    /**
     * Returns the backend's response headers and forgets both header maps. Tyrus keeps the endpoint
     * config, and with it this configurator, for as long as the backend connection is open: without
     * this, every open connection would keep a copy of the client's request headers and of the
     * backend's response headers (1.4 KiB per connection measured, with a dozen request headers).
     * Called once connectToServer has returned, whether or not it succeeded.
     */
    Map<String, List<String>> release() {
        headers = null;
        request = null;
        Map<String, List<String>> answer = responseHeaders;
        responseHeaders = Map.of();
        return answer;
    }
}
