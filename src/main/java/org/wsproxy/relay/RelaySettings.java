package org.wsproxy.relay;

import java.time.Duration;

/**
 * The limits a relay enforces, from the route's configuration.
 *
 * @param idleTimeout    close both legs after this long without a message; ZERO for never
 * @param pingInterval   ping both legs this often; ZERO for never
 * @param maxMessageSize largest message passed on, in bytes; 0 for unlimited
 * @param handoffTimeout how long the backend leg waits for the client leg to open
 */
public record RelaySettings(Duration idleTimeout, Duration pingInterval, long maxMessageSize, Duration handoffTimeout) {
}
