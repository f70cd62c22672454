package org.wsproxy.http;

import java.net.URI;

import org.wsproxy.pool.Backend;

/**
 * One backend a request may go to, in the order the balance (and the sticky cookie) chose.
 *
 * @param backend   the backend, for its health and counters
 * @param request   the request as that backend receives it (its base path differs per backend)
 * @param base      the backend's URL as the route names it, in its HTTP form: what a Location naming
 *                  the backend is rewritten from
 * @param setCookie the Set-Cookie value that pins the client to this backend, null for none
 */
public record Target(Backend backend, BackendRequest request, URI base, String setCookie) {
}
