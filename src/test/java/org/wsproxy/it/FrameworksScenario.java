package org.wsproxy.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsproxy.support.HttpFirstClients;
import org.wsproxy.support.PeerProcess;

/**
 * The HTTP-first realtime frameworks, unmodified from the npm registry (src/test/node/), through the
 * Socket.IO routes of a container's deploy example: what HttpFirstFrameworksTest and SocketIoTest
 * check in the embedded Tomcat, on a real distribution (Tomcat 10.1 and GlassFish 7 run it; every
 * container runs the default-transport check of {@link ProxyScenario}). The servers listen where
 * the routes expect them ({@link Deployment#socketIoPort()}, {@link Deployment#socketIo2Port()}):
 * the /socket.io route also carries the SockJS and Server-Sent Events servers, each started there
 * in its turn.
 */
interface FrameworksScenario {

    Deployment deployment();

    private static PeerProcess socketIoServer(String id, int port) throws Exception {
        PeerProcess server = PeerProcess.node("socketio", "server.js", id, Integer.toString(port));
        try {
            HttpFirstClients.listening(server);
            return server;
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket"})
    default void socketIoOverOneTransportAlone(String transport) throws Exception {
        try (PeerProcess server = socketIoServer("s1", Deployment.socketIoPort())) {
            HttpFirstClients.socketIoSession(server, deployment().http("/socket.io/"), transport, deployment().container());
        }
    }

    /**
     * Fifty clients with the default transports over two servers: through the route with
     * sticky=cookie every session connects, upgrades and echoes, spread over both servers; through
     * the same servers without it, engine.io answers 400 to the sessions it does not hold.
     */
    @Test
    default void socketIoSessionsOverTwoServersNeedTheStickyCookie() throws Exception {
        try (PeerProcess s1 = socketIoServer("s1", Deployment.socketIoPort());
             PeerProcess s2 = socketIoServer("s2", Deployment.socketIo2Port())) {
            HttpFirstClients.socketIoSessionsStayOnTheirServer(deployment().http("/pair/socket.io/"), deployment().container());
            HttpFirstClients.socketIoSessionsBreakWithoutStickiness(deployment().http("/unsticky/socket.io/"),
                    deployment().container());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "xhr-streaming", "xhr-polling"})
    default void sockJsEchoesOverEachTransport(String transport) throws Exception {
        try (PeerProcess server = PeerProcess.node("sockjs", "server.js", "/socket.io", Integer.toString(Deployment.socketIoPort()))) {
            HttpFirstClients.listening(server);
            HttpFirstClients.sockJsEchoes(server, deployment().http("/socket.io"), transport, deployment().container());
        }
    }

    @Test
    default void serverSentEventsReachTheClientOneByOne() throws Exception {
        try (PeerProcess server = PeerProcess.node("sse", "server.js", Integer.toString(Deployment.socketIoPort()))) {
            HttpFirstClients.listening(server);
            HttpFirstClients.serverSentEventsOneByOne(server, deployment().http("/socket.io"), deployment().container());
        }
    }
}
