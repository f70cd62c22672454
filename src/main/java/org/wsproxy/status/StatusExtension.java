package org.wsproxy.status;

import jakarta.servlet.ServletContext;

import org.wsproxy.config.ProxySettings;
import org.wsproxy.server.ProxyExtension;
import org.wsproxy.server.ProxyRuntime;

/** Installs the status page of each application (see {@link StatusPage#install}). */
public final class StatusExtension implements ProxyExtension {

    @Override
    public void install(ServletContext context, ProxyRuntime runtime, ProxySettings settings) {
        StatusPage.install(context, runtime, settings);
    }
}
