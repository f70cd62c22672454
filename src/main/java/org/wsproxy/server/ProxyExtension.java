package org.wsproxy.server;

import jakarta.servlet.ServletContext;

import org.wsproxy.config.ProxySettings;

/**
 * A part of wsproxy beside the front door that starts with an application's runtime: the metrics,
 * the status page. {@link WsProxyInitializer} finds them with a {@link java.util.ServiceLoader}
 * ({@code META-INF/services/org.wsproxy.server.ProxyExtension}, in the order listed there) and
 * installs each once the runtime exists, so that they depend on this package and not the other way.
 */
public interface ProxyExtension {

    /**
     * Starts collecting for {@code runtime}'s application; called while the application starts,
     * before requests arrive and before the runtime's own lifecycle listener is added (so that
     * listeners added here are told of the stop after the runtime has stopped).
     */
    void install(ServletContext context, ProxyRuntime runtime, ProxySettings settings);
}
