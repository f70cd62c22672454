package org.wsproxy.relay;

import java.time.Duration;
import java.time.Instant;

/**
 * What one relay did, taken once both of its legs have closed: the access log's line, and the
 * material for anything else that reports recent closes. "In" is client to backend, "out" is
 * backend to client. Immutable.
 *
 * @param connection    who was connected
 * @param started       when the client's handshake reached wsproxy
 * @param duration      from {@code started} until both legs had closed
 * @param inMessages    messages passed on from the client to the backend
 * @param inBytes       their payload bytes (text as UTF-8)
 * @param outMessages   messages passed on from the backend to the client
 * @param outBytes      their payload bytes
 * @param clientCode    the close the client leg reported: the code of the client's close frame,
 *                      1005 if it had none, 1006 when the connection dropped without one
 * @param clientReason  its reason, empty if none
 * @param backendCode   the close the backend leg reported, likewise
 * @param backendReason its reason, empty if none
 * @param closedFirst   the leg whose close or failure started the end; null when wsproxy closed
 *                      both legs itself (idleTimeout, maxMessageSize, the application stopping)
 */
public record ClosedConnection(ConnectionInfo connection, Instant started, Duration duration,
                               long inMessages, long inBytes, long outMessages, long outBytes,
                               int clientCode, String clientReason, int backendCode, String backendReason,
                               Side closedFirst) {
}
