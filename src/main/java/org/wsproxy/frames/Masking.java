package org.wsproxy.frames;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * RFC 6455 section 5.3 masking, in place: each payload byte XORed with the key byte its offset in
 * the frame selects. Unmasking is the same operation; re-masking a client's frame for the backend
 * with a fresh key is one pass with the XOR of the two keys, so the payload is touched once.
 */
public final class Masking {

    private Masking() {
    }

    /**
     * XORs the bytes of {@code payload} between its position and limit (neither changes) with
     * {@code key} (big-endian), the first of them being byte {@code offset} of the frame's payload.
     */
    public static void apply(ByteBuffer payload, int key, long offset) {
        if (key == 0) {
            return;
        }
        int shift = (int) (offset & 3);
        // The key turned so that its first byte is the one for this slice's first byte.
        int turned = shift == 0 ? key : (key << (8 * shift)) | (key >>> (32 - 8 * shift));
        if (payload.hasArray()) {
            byte[] bytes = payload.array();
            int i = payload.arrayOffset() + payload.position();
            int end = payload.arrayOffset() + payload.limit();
            // Eight bytes at a time: the key twice over, on the array itself.
            long wide = ((long) turned << 32) | (turned & 0xFFFFFFFFL);
            for (; i + Long.BYTES <= end; i += Long.BYTES) {
                LONGS.set(bytes, i, (long) LONGS.get(bytes, i) ^ wide);
            }
            for (int k = 0; i < end; i++, k++) {
                bytes[i] = (byte) (bytes[i] ^ (turned >>> (24 - 8 * (k & 3))));
            }
            return;
        }
        int i = payload.position();
        int end = payload.limit();
        for (; i + 4 <= end; i += 4) {
            payload.putInt(i, payload.getInt(i) ^ turned);
        }
        for (int k = 0; i < end; i++, k++) {
            payload.put(i, (byte) (payload.get(i) ^ (turned >>> (24 - 8 * k))));
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
}
