package org.wsproxy.bench.scg;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;

import reactor.netty.http.server.WebsocketServerSpec;

/**
 * Spring Cloud Gateway with one route, every path to the echo backend (application.properties;
 * the backend's port comes as {@code --backend.port}). Reactor Netty limits a WebSocket frame's
 * payload to 64 KiB on both legs by default; the benchmark's 1 MiB messages come as one frame,
 * so both limits are raised to 64 MiB, wsproxy's default bound on a message.
 */
@SpringBootApplication
public class GatewayPeer {

    public static void main(String[] args) {
        SpringApplication.run(GatewayPeer.class, args);
    }

    /** The client leg's limit (the backend leg's is the httpclient property). */
    @Bean
    @Primary
    WebSocketService largeFrames(@Value("${bench.maxFramePayload}") int maxFramePayload) {
        return new HandshakeWebSocketService(new ReactorNettyRequestUpgradeStrategy(
                () -> WebsocketServerSpec.builder().maxFramePayloadLength(maxFramePayload)));
    }
}
