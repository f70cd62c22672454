package org.wsproxy.wire;

import java.io.IOException;
import java.io.UncheckedIOException;

import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;

/**
 * What {@code HttpServletRequest.upgrade} makes of a client's connection: the container creates it
 * (hence the public no-argument constructor), the servlet gives it its leg before returning, and
 * the container calls {@link #init} once the 101 is out.
 */
public final class FramesUpgrade implements HttpUpgradeHandler {

    /** Set by the servlet's thread before the 101 is sent; read by the container's thread in init. */
    private volatile UpgradeLeg leg;

    public FramesUpgrade() {
    }

    /** The leg this connection becomes; called by the servlet right after {@code upgrade}. */
    public void carry(UpgradeLeg leg) {
        this.leg = leg;
    }

    @Override
    public void init(WebConnection connection) {
        UpgradeLeg carried = leg;
        if (carried == null) {
            closeQuietly(connection);
            return;
        }
        try {
            carried.open(connection);
        } catch (IOException e) {
            carried.destroyed();
            throw new UncheckedIOException("the upgraded client connection could not be opened", e);
        }
    }

    @Override
    public void destroy() {
        UpgradeLeg carried = leg;
        if (carried != null) {
            carried.destroyed();
        }
    }

    private static void closeQuietly(WebConnection connection) {
        try {
            connection.close();
        } catch (Exception e) {
            // Nothing was relayed on it.
        }
    }
}
