package org.wsproxy.backend;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes what Grizzly leaves in a thread's ThreadLocals after writing on it.
 * <p>
 * Writes to backends happen on the container's own threads (a client's message is sent to the
 * backend by the thread that read it), and Grizzly keeps two things per thread that it never
 * removes: its write reentrance counter ({@code Writer.Reentrant}) and, on any thread that is not
 * one of its own, its cache of reusable write objects ({@code ThreadCache}'s {@code ObjectCache}).
 * Both are of classes loaded by this application, so each container thread that wrote to a backend
 * pins the application's class loader after an undeploy. GlassFish reports the counter
 * (AS-WEB-UTIL-00015) and does not renew its threads; Tomcat reports both ("created a ThreadLocal
 * ... but failed to remove it") and renews only the threads that run a task after the undeploy, so
 * idle threads kept every undeployed copy of wsproxy alive (RedeployIT: 19 class loaders and 41 MiB
 * of heap after 20 redeploys). Removing the values after each write is cheap: the next write on the
 * thread creates two small objects.
 */
public final class GrizzlyThreadLocals {

    private static final Logger LOG = System.getLogger(GrizzlyThreadLocals.class.getName());

    /** Grizzly's ThreadLocals that this Grizzly version has, of those known (see TyrusInternals). */
    private static final List<ThreadLocal<?>> LEFT_BEHIND = find(TyrusInternals.REENTRANTS_COUNTER, TyrusInternals.THREAD_CACHE);

    private GrizzlyThreadLocals() {
    }

    private static List<ThreadLocal<?>> find(Field... staticFields) {
        List<ThreadLocal<?>> found = new ArrayList<>();
        for (Field field : staticFields) {
            if (field == null) {
                continue;
            }
            try {
                found.add((ThreadLocal<?>) field.get(null));
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(Level.WARNING, "Grizzly's ThreadLocal [" + field + "] cannot be read; container threads that wrote "
                        + "to a backend may keep a reference to this application after it stops", e);
            }
        }
        return List.copyOf(found);
    }

    /** Clears Grizzly's ThreadLocals of the current thread. */
    public static void release() {
        for (ThreadLocal<?> local : LEFT_BEHIND) {
            local.remove();
        }
    }
}
