package org.wsproxy.relay;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Closes a leg, and ends it even when the close throws: a leg left open after its relay gave up
 * on it would hang its peer until the peer's own timeout (a killed backend once left every Tomcat
 * client hanging, as Tomcat's API refused to make a 1014). A close that throws is tried again with
 * 1011 and no reason; if that throws too, the leg's connection is dropped where the engine can.
 * Each failure is a WARNING: it means a container or client library refused what the protocol
 * allows.
 */
final class LegCloser {

    /** The relay's logger: these lines are about a relay's legs, and operators filter on it. */
    private static final Logger LOG = System.getLogger(Relay.class.getName());

    private LegCloser() {
    }

    /**
     * @param relayId the relay's id, for the log
     * @return false if neither close went through: the relay takes the leg as gone
     */
    static boolean close(String relayId, Leg leg, Side side, Close close) {
        try {
            leg.close(close);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "relay [" + relayId + "]: closing the " + side.label() + " leg with [" + close.code()
                    + "] failed; closing it with [" + CloseCodes.INTERNAL_ERROR + "] instead", e);
        }
        try {
            leg.close(new Close(CloseCodes.INTERNAL_ERROR, ""));
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "relay [" + relayId + "]: the " + side.label() + " leg could not be closed either;"
                    + " taking it as gone", e);
        }
        leg.abort();
        return false;
    }
}
