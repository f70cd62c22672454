/**
 * The relay core: one client connection paired with one backend connection.
 * <p>
 * This package knows nothing of servlets, web.xml, the WebSocket API's sessions or Tyrus: it sees
 * each connection as two {@link org.wsproxy.relay.Leg}s, as an engine implements them, and moves
 * message {@link org.wsproxy.relay.Part}s between them, holds back the fast side when the slow
 * side cannot keep up, maps close codes between the legs, runs the idle and ping checks, counts
 * what each direction passed on, and writes the access log line of each closed connection. An
 * engine adds its two leg classes and nothing here. ({@link org.wsproxy.relay.CloseCodes} also
 * converts to and from the WebSocket API's CloseReason, for the engines that speak it.)
 */
package org.wsproxy.relay;
