package org.wsproxy.backend;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.glassfish.grizzly.ThreadCache;
import org.glassfish.grizzly.Writer;
import org.junit.jupiter.api.Test;

/** release() drops the per-thread objects Grizzly's writes leave behind. */
class GrizzlyThreadLocalsTest {

    @Test
    void releaseRemovesGrizzlysWriteCounterFromTheThread() {
        Writer.Reentrant before = Writer.Reentrant.getWriteReentrant();
        assertSame(before, Writer.Reentrant.getWriteReentrant(), "the counter stays on the thread until released");
        GrizzlyThreadLocals.release();
        assertNotSame(before, Writer.Reentrant.getWriteReentrant(), "after release the thread holds a new one, the old one is gone");
        GrizzlyThreadLocals.release();
    }

    /** Grizzly caches write objects on threads not its own (here: the test's, in wsproxy: the container's). */
    @Test
    void releaseRemovesGrizzlysObjectCacheFromTheThread() {
        ThreadCache.CachedTypeIndex<Object> index = ThreadCache.obtainIndex("wsproxy-test", Object.class, 1);
        Object cached = new Object();
        ThreadCache.putToCache(index, cached);
        assertSame(cached, ThreadCache.getFromCache(index), "the cache stays on the thread until released");
        GrizzlyThreadLocals.release();
        assertNull(ThreadCache.getFromCache(index), "after release the thread holds no cache");
    }
}
