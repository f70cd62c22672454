package org.wsproxy.server;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The health check of an outer load balancer ({@code GET <context>/health}): 200 while the
 * application runs, 503 from the moment it starts stopping, so that the balancer sends new
 * connections elsewhere while this instance drains. The body is one line of JSON with the number
 * of routes and of open connections; nothing about backends, since the page is not protected.
 */
public final class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object attribute = getServletContext().getAttribute(ProxyRuntime.ATTRIBUTE);
        // A balancer must see the state of now, never a cached answer.
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json;charset=UTF-8");
        if (!(attribute instanceof ProxyRuntime runtime)) {
            // wsproxy's initializer did not run: the application serves no route.
            response.setStatus(503);
            response.getWriter().println("{\"status\":\"not started\"}");
            return;
        }
        boolean stopping = runtime.stopping();
        response.setStatus(stopping ? 503 : 200);
        response.getWriter().println("{\"status\":\"" + (stopping ? "stopping" : "ok") + "\",\"routes\":" + runtime.routes().size()
                + ",\"connections\":" + runtime.relays().size() + "}");
    }
}
