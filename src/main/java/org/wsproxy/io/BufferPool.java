package org.wsproxy.io;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Buffers of one size, lent to connections while they move bytes and taken back when they are
 * idle, so that an idle connection holds no buffer of its own: heap per open connection is what
 * limits how many a container can hold.
 * <p>
 * Any thread may take and give back; a buffer is owned by whoever took it until given back.
 */
public final class BufferPool {

    private final int size;
    /**
     * The buffers kept for reuse; past its capacity a buffer given back is left to the garbage
     * collector, so that a burst of busy connections does not pin its peak of memory for good.
     */
    private final ArrayBlockingQueue<ByteBuffer> free;

    /**
     * @param size bytes per buffer
     * @param keep the most buffers kept while unused
     */
    public BufferPool(int size, int keep) {
        this.size = size;
        this.free = new ArrayBlockingQueue<>(keep);
    }

    /** A cleared buffer of {@link #size()} bytes, backed by an array. */
    public ByteBuffer take() {
        ByteBuffer buffer = free.poll();
        return buffer != null ? buffer : ByteBuffer.allocate(size);
    }

    /** Gives back a buffer taken from this pool; the caller must not touch it again. */
    public void give(ByteBuffer buffer) {
        if (buffer != null && buffer.capacity() == size) {
            buffer.clear();
            free.offer(buffer);
        }
    }
}
