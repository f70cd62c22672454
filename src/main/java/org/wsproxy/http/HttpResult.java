package org.wsproxy.http;

import java.time.Duration;
import java.time.Instant;

import org.wsproxy.pool.Backend;

/**
 * What became of one proxied HTTP request, for the access log and the metrics.
 *
 * @param backend  the backend that answered (or was tried last), null when none was tried
 * @param status   the status the client got; 0 when the client went away before any
 * @param complete false when the response was cut short (the backend failed mid-body, or the client went away)
 */
public record HttpResult(Instant started, String route, String client, String method, String path, Backend backend,
                         int status, long inBytes, long outBytes, Duration duration, boolean complete) {
}
