package org.wsproxy.wire;

import jakarta.servlet.http.WebConnection;

import org.apache.coyote.http11.upgrade.InternalHttpUpgradeHandler;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.SSLSupport;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * The frame engine's client connection on Tomcat, through the interface Tomcat's own WebSocket
 * server uses. The servlet API's upgrade cannot stop reading there: after every dispatch Tomcat
 * asks its poller to read again, so a leg paused for backpressure would be dispatched again and
 * again while its client keeps sending; here a dispatch answers SUSPENDED and the leg asks for the
 * next one when it resumes. Tomcat creates it (the public no-argument constructor), gives it the
 * socket, then calls {@link #init} once the 101 is out.
 */
public final class TomcatUpgrade implements InternalHttpUpgradeHandler {

    /** Set by the servlet's thread before the 101 is sent; read by Tomcat's threads after. */
    private volatile TomcatLeg leg;
    private volatile SocketWrapperBase<?> socket;

    public TomcatUpgrade() {
    }

    void carry(TomcatLeg carried) {
        this.leg = carried;
    }

    @Override
    public void setSocketWrapper(SocketWrapperBase<?> wrapper) {
        this.socket = wrapper;
    }

    @Override
    public void init(WebConnection connection) {
        TomcatLeg carried = leg;
        if (carried == null) {
            socket.close();
            return;
        }
        carried.open(socket);
    }

    @Override
    public SocketState upgradeDispatch(SocketEvent status) {
        TomcatLeg carried = leg;
        return carried == null ? SocketState.CLOSED : carried.dispatch(status);
    }

    /**
     * Asked by Tomcat once {@link #init} ran: true when the leg reads the socket itself, so that
     * Tomcat does not poll it for reads (and never dispatches a read to it).
     */
    @Override
    public boolean hasAsyncIO() {
        TomcatLeg carried = leg;
        return carried != null && carried.ownsSocket();
    }

    @Override
    public void timeoutAsync(long now) {
        // The relay keeps its own time (idleTimeout, pingInterval).
    }

    @Override
    public void pause() {
        // The connector is pausing; the application's drain closes the relays.
    }

    @Override
    public void setSslSupport(SSLSupport sslSupport) {
        // Nothing of the client's TLS is needed after the handshake.
    }

    @Override
    public void destroy() {
        TomcatLeg carried = leg;
        if (carried != null) {
            carried.destroyed();
        }
    }
}
