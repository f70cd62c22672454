package org.wsproxy.wire;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a {@link FrameLeg} writes its bytes: a socket channel, or the output stream of a servlet
 * upgrade. Called with the leg's output lock held, so never by two threads at once.
 */
interface Wire {

    /**
     * Writes what of {@code bytes} (position to limit) the connection takes without waiting, and
     * moves the position past it.
     *
     * @return true if the connection can take more at once; false if the leg must wait for
     *         {@link FrameLeg#writable()} before writing again (some bytes may still be pending
     *         below, in the container's own buffer)
     */
    boolean write(ByteBuffer bytes) throws IOException;

    /** Ends the connection; safe to call more than once, from any thread. */
    void close();
}
