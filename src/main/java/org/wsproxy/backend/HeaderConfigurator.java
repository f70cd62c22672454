package org.wsproxy.backend;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.HandshakeResponse;

/**
 * Puts the client's end-to-end headers into the backend handshake and keeps the backend's answer.
 * One instance per backend connection.
 */
final class HeaderConfigurator extends ClientEndpointConfig.Configurator {

    private final Map<String, List<String>> headers;
    /** Written by the Tyrus thread that reads the handshake answer, read after connectToServer returns. */
    private volatile Map<String, List<String>> responseHeaders = Map.of();

    HeaderConfigurator(Map<String, List<String>> headers) {
        this.headers = headers;
    }

    @Override
    public void beforeRequest(Map<String, List<String>> request) {
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
        Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(response.getHeaders());
        responseHeaders = copy;
    }

    Map<String, List<String>> responseHeaders() {
        return responseHeaders;
    }
}
