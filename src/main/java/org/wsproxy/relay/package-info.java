/**
 * The relay: one client session paired with one backend session.
 * <p>
 * This package knows nothing of servlets, web.xml or Tyrus: it sees two
 * {@link jakarta.websocket.Session}s and moves messages between them, holds back the fast side when
 * the slow side cannot keep up, maps close codes between the legs, runs the idle and ping
 * timers, counts what each direction passed on, and writes the access log line of each closed
 * connection. Keeping it apart means the same relay serves whichever container accepted the client
 * and whichever client container reached the backend.
 */
package org.wsproxy.relay;
