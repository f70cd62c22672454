/**
 * HTTP proxying on a route ({@code http=proxy}): requests that are not WebSocket handshakes relayed
 * to the route's backend, bodies streamed both ways with the servlet container's non-blocking I/O
 * on the client side and wsproxy's own HTTP/1.1 client on the backend side (keep-alive connections
 * pooled per backend, read on the I/O loops of the frame engine). For clients that start over HTTP:
 * Socket.IO's polling, SockJS's streaming and polling transports, Server-Sent Events.
 */
package org.wsproxy.http;
