/**
 * The jsr356 engine: a relay's two legs over the WebSocket API, the container's JSR-356 session on
 * the client side ({@link org.wsproxy.jsr356.ClientLeg}) and a Tyrus client session on the backend
 * side ({@link org.wsproxy.jsr356.BackendLeg}), each a {@link org.wsproxy.relay.Leg} of the relay
 * core through {@link org.wsproxy.jsr356.SessionLeg}. Everything that depends on how a container
 * or the Tyrus client reports a session's events lives here; the relay sees only legs.
 */
package org.wsproxy.jsr356;
