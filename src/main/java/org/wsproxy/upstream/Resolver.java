package org.wsproxy.upstream;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Turns a backend's host name into addresses, at each connect: wsproxy keeps no cache of its own,
 * so a backend that moves (a Kubernetes service, a DNS failover) is found at its new address by the
 * next connection, as the JVM's and the system's resolver caches allow.
 */
@FunctionalInterface
public interface Resolver {

    /** The system's resolver, through the JVM's. */
    Resolver SYSTEM = InetAddress::getAllByName;

    InetAddress[] resolve(String host) throws UnknownHostException;
}
