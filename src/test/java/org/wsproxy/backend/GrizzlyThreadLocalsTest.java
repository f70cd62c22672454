package org.wsproxy.backend;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.glassfish.grizzly.Writer;
import org.junit.jupiter.api.Test;

/** release() drops the per-thread object Grizzly's writes leave behind. */
class GrizzlyThreadLocalsTest {

    @Test
    void releaseRemovesGrizzlysWriteCounterFromTheThread() {
        Writer.Reentrant before = Writer.Reentrant.getWriteReentrant();
        assertSame(before, Writer.Reentrant.getWriteReentrant(), "the counter stays on the thread until released");
        GrizzlyThreadLocals.release();
        assertNotSame(before, Writer.Reentrant.getWriteReentrant(), "after release the thread holds a new one, the old one is gone");
        GrizzlyThreadLocals.release();
    }
}
