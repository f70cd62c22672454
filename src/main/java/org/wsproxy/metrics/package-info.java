/**
 * Metrics: what each route and each backend is doing, counted with Micrometer and shown two ways,
 * as JMX MBeans in the JVM's platform MBeanServer (jconsole, GlassFish's monitoring) and as
 * Prometheus text at {@code <context>/metrics}.
 * <p>
 * This package exists so that nothing on the proxying path knows about metrics: the traffic
 * counters already kept per backend ({@link org.wsproxy.pool.Backend#in()},
 * {@link org.wsproxy.pool.Backend#out()}) are read when someone looks, and handshakes and closes
 * arrive through {@link org.wsproxy.server.ProxyObserver}, once per connection, never per message.
 * <p>
 * Each application has registries of its own ({@link org.wsproxy.metrics.ProxyMetrics}), never
 * Micrometer's static global one: two applications in one container must neither share meters nor
 * collide in JMX, and an undeployed application must leave nothing behind (its MBeans would keep
 * its class loader alive).
 */
package org.wsproxy.metrics;
