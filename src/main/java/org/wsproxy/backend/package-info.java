/**
 * The backend side: connecting to backends with the Tyrus client.
 * <p>
 * This is the only package that knows Tyrus. It opens a backend connection with the client's
 * headers and subprotocols, tells a refused, timed out or rejected handshake apart (so the client
 * gets 502, 504 or the backend's own status), keeps a backend connection open after wsproxy's close
 * frame until the backend answered it, and owns the one shared Tyrus client transport of the
 * application, including stopping it when the application stops.
 */
package org.wsproxy.backend;
