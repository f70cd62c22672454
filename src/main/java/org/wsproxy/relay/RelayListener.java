package org.wsproxy.relay;

/** Told when a relay has released both legs, so that whoever tracks open relays can forget it. */
@FunctionalInterface
public interface RelayListener {

    /**
     * @param closed what the relay did, for the access log, metrics and recent closes; null when
     *               its client leg never opened (the handshake was refused or given up, and its
     *               outcome was reported then)
     */
    void relayClosed(Relay relay, ClosedConnection closed);
}
