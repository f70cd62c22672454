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

    /** Grizzly's ThreadLocals that this Grizzly version has, of those named below. */
    private static final List<ThreadLocal<?>> LEFT_BEHIND = find(
            "org.glassfish.grizzly.Writer$Reentrant", "REENTRANTS_COUNTER",
            "org.glassfish.grizzly.ThreadCache", "genericCacheAttr");

    private GrizzlyThreadLocals() {
    }

    /** @param classesAndFields pairs of a Grizzly class name and the name of its static ThreadLocal field */
    private static List<ThreadLocal<?>> find(String... classesAndFields) {
        List<ThreadLocal<?>> found = new ArrayList<>();
        for (int i = 0; i < classesAndFields.length; i += 2) {
            String name = classesAndFields[i] + "." + classesAndFields[i + 1];
            try {
                Class<?> owner = Class.forName(classesAndFields[i], true, GrizzlyThreadLocals.class.getClassLoader());
                Field field = owner.getDeclaredField(classesAndFields[i + 1]);
                field.setAccessible(true);
                found.add((ThreadLocal<?>) field.get(null));
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(Level.WARNING, "Grizzly's ThreadLocal [" + name + "] was not found; container threads that wrote "
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
