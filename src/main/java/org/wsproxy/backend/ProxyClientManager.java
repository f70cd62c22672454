package org.wsproxy.backend;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

import org.glassfish.tyrus.client.ClientManager;

/**
 * A Tyrus client (on Tyrus's default Grizzly client container) whose executors belong to the
 * application.
 * <p>
 * A plain {@link ClientManager} creates a ten-thread scheduled pool of its own on first use and
 * shuts it down whenever its last connection closes; a connection opening at that moment then
 * fails with a RejectedExecutionException (seen on Tomcat when one route's backend refused while
 * another route connected). Here the executors are the application's, shared by every route, and
 * stopped only by {@link BackendConnector#close()}.
 */
final class ProxyClientManager extends ClientManager {

    private final ScheduledExecutorService executor;

    ProxyClientManager(ScheduledExecutorService executor) {
        super();
        this.executor = executor;
    }

    @Override
    public ExecutorService getExecutorService() {
        return executor;
    }

    @Override
    public ScheduledExecutorService getScheduledExecutorService() {
        return executor;
    }

    /** The executors are not this client's to stop. */
    @Override
    public void shutdown() {
    }

    @Override
    protected void shutdown(ShutDownCondition condition) {
    }
}
