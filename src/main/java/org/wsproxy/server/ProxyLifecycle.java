package org.wsproxy.server;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

/** Registers the route endpoints once the container's WebSocket support is up, and stops wsproxy with the application. */
final class ProxyLifecycle implements ServletContextListener {

    private final ProxyRuntime runtime;

    ProxyLifecycle(ProxyRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        Object attribute = event.getServletContext().getAttribute(ServerContainer.class.getName());
        if (!(attribute instanceof ServerContainer container)) {
            throw new IllegalStateException("wsproxy: this container offers no jakarta.websocket ServerContainer (servlet context attribute ["
                    + ServerContainer.class.getName() + "] is missing); enable its Jakarta WebSocket 2.1 support");
        }
        for (ServerEndpointConfig config : runtime.endpointConfigs()) {
            try {
                container.addEndpoint(config);
            } catch (DeploymentException e) {
                throw new IllegalStateException("wsproxy: cannot register the endpoint at [" + config.getPath() + "]: " + e.getMessage(), e);
            }
        }
        runtime.started(container);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        runtime.stop();
    }
}
