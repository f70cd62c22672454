package org.wsproxy.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.util.List;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import jakarta.servlet.ServletContext;

import org.wsproxy.config.AddressBlocks;
import org.wsproxy.config.ProxySettings;
import org.wsproxy.server.ProxyRuntime;

/**
 * One application's metrics: its own Prometheus and JMX registries, fed together, from the start
 * of the application until it stops, when its MBeans are unregistered.
 * <p>
 * Kept as a servlet context attribute, like the {@link ProxyRuntime}, and never in a static field
 * or Micrometer's global registry, so that applications in one container share nothing and an
 * undeployed one leaves nothing behind. Thread-safe: the registries are.
 */
public final class ProxyMetrics {

    /** The servlet context attribute holding the metrics. */
    public static final String ATTRIBUTE = "org.wsproxy.metrics";

    /** Prometheus's text exposition format, which {@link #scrape(OutputStream)} writes. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry prometheus;
    private final JmxMeterRegistry jmx;
    /** Both of the above: a meter registered here is registered in each. */
    private final CompositeMeterRegistry registry;
    private final AddressBlocks allowedAddresses;

    private ProxyMetrics(String contextPath, AddressBlocks allowedAddresses) {
        this.allowedAddresses = allowedAddresses;
        // Its own Prometheus registry, not the client library's static default one.
        this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
                new PrometheusRegistry(), Clock.SYSTEM);
        JmxNames names = new JmxNames(contextPath);
        MetricRegistry dropwizard = new MetricRegistry();
        JmxReporter reporter = JmxReporter.forRegistry(dropwizard).inDomain(JmxNames.DOMAIN)
                .createsObjectNamesWith(names).registerWith(ManagementFactory.getPlatformMBeanServer()).build();
        // Micrometer's defaults for everything else (JmxConfig's own settings go unused with a reporter of ours).
        this.jmx = new JmxMeterRegistry(key -> null, Clock.SYSTEM, names, dropwizard, reporter);
        this.registry = new CompositeMeterRegistry(Clock.SYSTEM, List.of(prometheus, jmx));
    }

    /**
     * Makes the application's metrics, tells the runtime to report to them, and has them closed
     * when the application stops. Call while the application starts, before the runtime's
     * lifecycle listener is added, so that the metrics are closed after the runtime has stopped
     * (listeners are told of the end in the reverse order).
     */
    public static void install(ServletContext context, ProxyRuntime runtime, ProxySettings settings) {
        ProxyMetrics metrics = new ProxyMetrics(context.getContextPath(), settings.metricsAllowedAddresses());
        runtime.addObserver(new MetricsObserver(metrics.registry, runtime.pools(), runtime::engineOf));
        context.setAttribute(ATTRIBUTE, metrics);
        context.addListener(new MetricsLifecycle(metrics));
    }

    /** The addresses (TCP peers) allowed to read {@code <context>/metrics}. */
    AddressBlocks allowedAddresses() {
        return allowedAddresses;
    }

    /** Writes every meter's current value in Prometheus's text format ({@link #CONTENT_TYPE}). */
    void scrape(OutputStream out) throws IOException {
        prometheus.scrape(out);
    }

    /** Unregisters the MBeans; the meters stop counting. */
    void close() {
        registry.close();
    }
}
