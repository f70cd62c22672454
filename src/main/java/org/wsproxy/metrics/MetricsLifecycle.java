package org.wsproxy.metrics;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/** Closes an application's metrics when it stops, which takes its MBeans out of the JVM's MBeanServer. */
final class MetricsLifecycle implements ServletContextListener {

    private final ProxyMetrics metrics;

    MetricsLifecycle(ProxyMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        metrics.close();
    }
}
