package org.wsproxy.status;

import jakarta.servlet.ServletContext;

import org.wsproxy.config.ProxySettings;
import org.wsproxy.server.ProxyRuntime;

/**
 * What the status page of one application holds: who may see it, and what it shows. Made once
 * when the application starts (see {@link #install}), so that the closes and handshakes that
 * happen before anyone opens the page are on it; kept as a servlet context attribute, like the
 * {@link ProxyRuntime}.
 * <p>
 * Immutable; its parts are thread-safe.
 */
public final class StatusPage {

    /** The servlet context attribute holding the application's status page. */
    public static final String ATTRIBUTE = "org.wsproxy.status";

    private final StatusAccess access;
    private final StatusView view;

    private StatusPage(StatusAccess access, StatusView view) {
        this.access = access;
        this.view = view;
    }

    /**
     * Starts collecting for the status page of {@code runtime}'s application: call while the
     * application starts, before requests arrive.
     */
    public static void install(ServletContext context, ProxyRuntime runtime, ProxySettings settings) {
        RecentCloses closes = new RecentCloses();
        HandshakeCounts handshakes = new HandshakeCounts();
        runtime.addObserver(closes);
        runtime.addObserver(handshakes);
        context.setAttribute(ATTRIBUTE, new StatusPage(new StatusAccess(settings), new StatusView(runtime, closes, handshakes)));
    }

    StatusAccess access() {
        return access;
    }

    StatusView view() {
        return view;
    }
}
