package org.wsproxy.backend;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;

/**
 * Removes what Grizzly leaves in a thread's ThreadLocals after writing on it.
 * <p>
 * Every Grizzly write counts its reentrance in a ThreadLocal ({@code Writer.Reentrant}) that is
 * never removed. Writes to backends happen on the container's own threads (a client's message is
 * sent to the backend by the thread that read it), so each such thread keeps an object of a class
 * loaded by this application: after an undeploy that pins the application's class loader, and
 * GlassFish reports it (AS-WEB-UTIL-00015). Tomcat renews its threads after an undeploy; GlassFish
 * does not. Removing the value after each write is cheap (the next write creates a small object).
 */
public final class GrizzlyThreadLocals {

    private static final Logger LOG = System.getLogger(GrizzlyThreadLocals.class.getName());

    /** Grizzly's reentrance counter, or null if this Grizzly version does not have it. */
    private static final ThreadLocal<?> REENTRANTS = reentrants();

    private GrizzlyThreadLocals() {
    }

    private static ThreadLocal<?> reentrants() {
        try {
            Class<?> reentrant = Class.forName("org.glassfish.grizzly.Writer$Reentrant", true,
                    GrizzlyThreadLocals.class.getClassLoader());
            Field field = reentrant.getDeclaredField("REENTRANTS_COUNTER");
            field.setAccessible(true);
            return (ThreadLocal<?>) field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.WARNING, "Grizzly's write counter was not found; container threads that wrote to a backend "
                    + "may keep a reference to this application after it stops", e);
            return null;
        }
    }

    /** Clears Grizzly's ThreadLocals of the current thread. */
    public static void release() {
        if (REENTRANTS != null) {
            REENTRANTS.remove();
        }
    }
}
