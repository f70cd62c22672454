/**
 * Talking to backends, for both engines: what wsproxy sends in a backend handshake
 * ({@link org.wsproxy.upstream.BackendHandshake}) and what a failed connect means for the client
 * ({@link org.wsproxy.upstream.BackendFailure}); and the {@code frames} engine's own WebSocket
 * client: the TCP connect and the handshake, written and checked here
 * ({@link org.wsproxy.upstream.Dialer}), with the host looked up at each connect
 * ({@link org.wsproxy.upstream.Resolver}).
 */
package org.wsproxy.upstream;
