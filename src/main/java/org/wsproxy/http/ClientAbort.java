package org.wsproxy.http;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.reflect.Method;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Ends a started response early, so that its client sees it cut short (no last chunk, or short of
 * its Content-Length) rather than complete. The servlet API has no call for it; what each container
 * does, as the real-container tests found:
 * <ul>
 * <li>Tomcat closes the connection when an asynchronous dispatch throws after the response was
 *     committed (its ErrorReportValve, CLOSE_NOW): wsproxy dispatches, and its servlet throws
 *     ({@link HttpRoute#abortReason}).</li>
 * <li>GlassFish and Payara write the last chunk after such an exception, a made-up success: there
 *     the Grizzly connection under the request is closed, reached through public methods of
 *     GlassFish's request classes ({@code getUnwrappedCoyoteRequest().getGrizzlyRequest()
 *     .getConnection().closeSilently()}; on Payara 6 {@code getCoyoteRequest()}).</li>
 * <li>WildFly (Undertow) writes the last chunk too: there the exchange's connection is closed,
 *     through Undertow's public API ({@code getExchange().getConnection().close()}).</li>
 * </ul>
 */
final class ClientAbort {

    private static final Logger LOG = System.getLogger(ClientAbort.class.getName());

    private ClientAbort() {
    }

    /** Cuts the response of {@code request} short; the request is over afterwards. */
    static void abort(HttpServletRequest request, AsyncContext async, String why) {
        if (closeGrizzly(request) || closeUndertow(request)) {
            try {
                async.complete();
            } catch (IllegalStateException e) {
                // the closed connection ended the request already
            }
            return;
        }
        request.setAttribute(Exchange.ABORT_ATTRIBUTE, why);
        try {
            async.dispatch();
        } catch (IllegalStateException e) {
            try {
                async.complete();
            } catch (IllegalStateException gone) {
                // ended already
            }
        }
    }

    /** @return true when the request is GlassFish's (or Payara's) and its connection was closed */
    private static boolean closeGrizzly(HttpServletRequest request) {
        // GlassFish 7 and 8 name the second step getGrizzlyRequest, Payara 6 getCoyoteRequest.
        return closes(request, "GlassFish's", "getUnwrappedCoyoteRequest", "getGrizzlyRequest|getCoyoteRequest",
                "getConnection", "closeSilently");
    }

    /** @return true when the request is Undertow's and its connection was closed */
    private static boolean closeUndertow(HttpServletRequest request) {
        return request.getClass().getName().startsWith("io.undertow.")
                && closes(request, "Undertow's", "getExchange", "getConnection", "close");
    }

    /**
     * Calls the public no-argument methods of {@code chain} in turn, each on what the one before
     * returned (a step "a|b" calls the first of the two that the object has), the last one being
     * the close.
     *
     * @return true when every step was called; false when a step is missing (the request is not
     *         {@code whose}) or failed
     */
    private static boolean closes(Object request, String whose, String... chain) {
        try {
            Object at = request;
            for (String step : chain) {
                Method method = null;
                for (String name : step.split("\\|")) {
                    method = method == null ? publicMethod(at.getClass(), name) : method;
                }
                if (method == null) {
                    return false;
                }
                at = method.invoke(at);
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "not " + whose + " connection, or it could not be closed: " + e);
            return false;
        }
    }

    /** The public method {@code name()} of {@code type}, found on a public class or interface it has; null when none. */
    private static Method publicMethod(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> face : c.getInterfaces()) {
                Method m = method(face, name);
                if (m != null) {
                    return m;
                }
            }
            Method m = method(c, name);
            if (m != null && java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
                return m;
            }
        }
        return null;
    }

    private static Method method(Class<?> c, String name) {
        try {
            Method m = c.getMethod(name);
            return m.getParameterCount() == 0 ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
