package org.wsproxy.metrics;

import jakarta.servlet.ServletContext;

import org.wsproxy.config.ProxySettings;
import org.wsproxy.server.ProxyExtension;
import org.wsproxy.server.ProxyRuntime;

/** Installs the metrics of each application (see {@link ProxyMetrics#install}). */
public final class MetricsExtension implements ProxyExtension {

    @Override
    public void install(ServletContext context, ProxyRuntime runtime, ProxySettings settings) {
        ProxyMetrics.install(context, runtime, settings);
    }
}
