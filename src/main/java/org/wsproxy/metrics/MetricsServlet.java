package org.wsproxy.metrics;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.wsproxy.config.AddressBlocks;

/**
 * The Prometheus endpoint ({@code GET <context>/metrics}): every meter of the application in
 * Prometheus's text format, for the TCP peers in {@code metricsAllowedAddresses} only (the machine
 * itself by default), since the metrics name the backends. Others get 403.
 * <p>
 * The peer is the TCP peer ({@code getRemoteAddr()}), never an X-Forwarded-For entry, which a
 * client writes itself. Behind a reverse proxy on another host, allow that proxy, or let the
 * scraper reach the container directly.
 */
public final class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = System.getLogger(MetricsServlet.class.getName());

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // A scraper must see the values of now, never a cached answer.
        response.setHeader("Cache-Control", "no-store");
        Object attribute = getServletContext().getAttribute(ProxyMetrics.ATTRIBUTE);
        if (!(attribute instanceof ProxyMetrics metrics)) {
            // wsproxy's initializer did not run: the application has no metrics.
            refuse(response, 503, "metrics not started");
            return;
        }
        InetAddress peer = AddressBlocks.peer(request.getRemoteAddr());
        if (peer == null || !metrics.allowedAddresses().contains(peer)) {
            LOG.log(Level.DEBUG, () -> "metrics: refused [" + request.getRemoteAddr()
                    + "], which is not in metricsAllowedAddresses [" + metrics.allowedAddresses() + "]");
            refuse(response, 403, "metrics are not available to this address; see metricsAllowedAddresses");
            return;
        }
        response.setStatus(200);
        response.setContentType(ProxyMetrics.CONTENT_TYPE);
        metrics.scrape(response.getOutputStream());
    }

    private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().println(message);
    }
}
