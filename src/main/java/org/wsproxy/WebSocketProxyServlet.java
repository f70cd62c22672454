package org.wsproxy;

import java.io.IOException;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.wsproxy.http.HttpRoute;
import org.wsproxy.server.ProxyRuntime;
import org.wsproxy.server.RouteHandler;

/**
 * The servlet of one proxied route. Declare it in web.xml (with at least the init-param
 * {@code backend}) to proxy its url-pattern, or let wsproxy create it from
 * {@code wsproxy.route.<name>.*} context-params. The route itself is read and checked when the
 * application starts, by {@link org.wsproxy.server.WsProxyInitializer}.
 */
public class WebSocketProxyServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Set in init, before the container routes any request here. */
    private transient RouteHandler handler;

    @Override
    public void init() throws ServletException {
        Object runtime = getServletContext().getAttribute(ProxyRuntime.ATTRIBUTE);
        if (!(runtime instanceof ProxyRuntime proxy)) {
            throw new ServletException("wsproxy: servlet [" + getServletName() + "] has no wsproxy runtime: "
                    + "org.wsproxy.server.WsProxyInitializer did not run (is the wsproxy jar in WEB-INF/lib, "
                    + "and not left out by an <absolute-ordering> in web.xml?)");
        }
        handler = proxy.handlerFor(getServletName());
        if (handler == null) {
            throw new ServletException("wsproxy: servlet [" + getServletName() + "] has no route");
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String abort = request.getDispatcherType() == DispatcherType.ASYNC ? HttpRoute.abortReason(request) : null;
        if (abort != null) {
            // A proxied response the backend broke off: the container closes the connection on this
            // exception, and the client sees the response end early, not a complete one.
            throw new IOException("wsproxy: response cut short: " + abort);
        }
        handler.handle(request, response);
    }
}
