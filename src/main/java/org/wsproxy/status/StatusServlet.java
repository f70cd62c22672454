package org.wsproxy.status;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Serves the status page ({@code <context>/status}), its script and style
 * ({@code /status/status.js}, {@code /status/status.css}) and the JSON the script polls
 * ({@code /status/data.json}); mapped to {@code /status/*}. Every answer goes through
 * {@link StatusAccess} first.
 * <p>
 * The script and style are files of their own rather than inline so that the page's
 * Content-Security-Policy can say {@code 'self'} and nothing else: even if some text from the
 * network were ever written into the page as markup, the browser would run no script of it. The
 * script puts every value in with {@code textContent}, so none is.
 */
public final class StatusServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** No other origin, no inline script or style, no plugins, no framing, no forms. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** Where the page names its own path, {@code <context>/status}, for its script, style and data. */
    private static final String BASE = "{{base}}";

    // Read once in init(); the container publishes what init() did to the threads that call doGet.
    /** The page, with {@link #BASE} where the path of /status goes. */
    private String page;
    private byte[] script;
    private byte[] style;

    @Override
    public void init() throws ServletException {
        page = new String(resource("status.html"), StandardCharsets.UTF_8);
        script = resource("status.js");
        style = resource("status.css");
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // The page shows the state of now, and what it shows is not for shared caches either.
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        if (!(getServletContext().getAttribute(StatusPage.ATTRIBUTE) instanceof StatusPage status)) {
            // wsproxy's initializer did not run: there is nothing to show.
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            return;
        }
        if (!status.access().admit(request, response)) {
            return;
        }
        String part = request.getPathInfo() == null ? "/" : request.getPathInfo();
        switch (part) {
            case "/" -> {
                String base = request.getContextPath() + "/status";
                send(response, "text/html;charset=UTF-8", page.replace(BASE, escapeAttribute(base)).getBytes(StandardCharsets.UTF_8));
            }
            case "/data.json" -> send(response, "application/json;charset=UTF-8",
                    status.view().json().getBytes(StandardCharsets.UTF_8));
            case "/status.js" -> send(response, "text/javascript;charset=UTF-8", script);
            case "/status.css" -> send(response, "text/css;charset=UTF-8", style);
            default -> response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    private static void send(HttpServletResponse response, String type, byte[] body) throws IOException {
        response.setContentType(type);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The context path is the administrator's, but it still goes into an attribute: escaped. */
    private static String escapeAttribute(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    private static byte[] resource(String name) {
        try (InputStream in = StatusServlet.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource [" + name + "] is missing from the wsproxy classes");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
