/**
 * The benchmark of BENCHMARKS.md: wsproxy in a real Tomcat against nginx, HAProxy and a direct
 * connection, under the same load in one run.
 * <p>
 * It lives apart from wsproxy's build (its own pom, run by bench/run.sh) because it measures a
 * deployed WAR from outside, as a user's load would, and because none of it belongs in the WAR.
 * The load generator ({@link org.wsproxy.bench.LoadLoop}, {@link org.wsproxy.bench.ClientConn}) and
 * the backend ({@link org.wsproxy.bench.EchoBackend}) are written on bare NIO so that neither is the
 * bottleneck: the direct run shows how far above the proxies they reach. {@link
 * org.wsproxy.bench.Peers} starts and stops the processes, {@link org.wsproxy.bench.ProcStats} reads
 * their cost, {@link org.wsproxy.bench.Report} writes the table and the chart.
 */
package org.wsproxy.bench;
