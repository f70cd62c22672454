package org.wsproxy.relay;

/** Told when a relay has released both legs, so that whoever tracks open relays can forget it. */
@FunctionalInterface
public interface RelayListener {

    void relayClosed(Relay relay);
}
