package org.wsproxy.frames;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * The masking keys of the frames wsproxy sends to backends: {@link SecureRandom} output, drawn a
 * block at a time.
 * <p>
 * The keys must stay unpredictable: clients choose the payloads wsproxy forwards, and a client that
 * could predict the mask could choose the bytes that appear on the wire to the backend (RFC 6455
 * section 10.3). So they come from a SecureRandom, as Tyrus's default does; but Tyrus asks
 * {@code new SecureRandom()} (NativePRNG on Linux) for 4 bytes per frame, and each such call takes
 * NativePRNG's JVM-wide lock, reads from the urandom buffer and runs a SHA-1 round: about 165 ns
 * per frame uncontended, 4% of the proxy's CPU samples when relaying 64-byte messages. Here the
 * keys come from the JDK's DRBG (NIST SP 800-90A Hash_DRBG, seeded and reseeded by the JDK),
 * drawn 4 KiB at a time: about 9 ns per key, and one lock per frame that is held for nanoseconds.
 * <p>
 * One instance serves every backend connection of the application, of both engines, from whichever
 * thread writes a frame.
 */
public final class MaskingKeys {

    /** Bytes drawn from the generator at a time: 1,024 keys. */
    public static final int BLOCK_BYTES = 4096;

    private final SecureRandom random = drbg();
    /** Keys not handed out yet, between position and limit; guarded by {@code this}. */
    private final ByteBuffer block = ByteBuffer.allocate(BLOCK_BYTES).position(BLOCK_BYTES);

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            // Every JDK since 9 has it; a stripped-down runtime still gets a SecureRandom.
            return new SecureRandom();
        }
    }

    /** The next masking key. */
    public synchronized int nextInt() {
        if (!block.hasRemaining()) {
            random.nextBytes(block.array());
            block.clear();
        }
        return block.getInt();
    }
}
