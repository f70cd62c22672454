package org.wsproxy.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.Deflater;

import org.junit.jupiter.api.Test;

/**
 * The frame engine's permessage-deflate pieces against each other and against the JDK's zlib:
 * messages compressed part by part come back whole, across messages with and without context
 * takeover, and a message that inflates past the limit is refused before it is held.
 */
class CompressionRoundTripTest {

    @Test
    void messagesCompressedPartByPartInflateToTheSameBytes() throws Exception {
        for (boolean noTakeover : new boolean[] {false, true}) {
            MessageDeflater deflater = new MessageDeflater(noTakeover);
            MessageInflater inflater = new MessageInflater(noTakeover, 64L << 20);
            Random random = new Random(7);
            for (int message = 0; message < 5; message++) {
                byte[] original = ("words words " + message + " ").repeat(20_000 + message).getBytes(StandardCharsets.UTF_8);
                if (message == 3) {
                    random.nextBytes(original);
                }
                // Parts of 16 KiB as the backend leg reads them; each becomes one frame's payload.
                ByteArrayOutputStream inflated = new ByteArrayOutputStream();
                for (int at = 0; at < original.length; at += 16 * 1024) {
                    int end = Math.min(original.length, at + 16 * 1024);
                    ByteBuffer frame = deflater.compress(ByteBuffer.wrap(original, at, end - at), end == original.length);
                    inflater.input(frame, end == original.length);
                    for (ByteBuffer out = inflater.next(); out != null; out = inflater.next()) {
                        inflated.write(out.array(), out.arrayOffset() + out.position(), out.remaining());
                        if (inflater.messageDone()) {
                            break;
                        }
                    }
                }
                assertTrue(inflater.messageDone(), "message " + message + " did not end");
                inflater.messageEnded();
                assertArrayEquals(original, inflated.toByteArray(), "message " + message);
            }
            deflater.end();
            inflater.end();
        }
    }

    @Test
    void anEmptyMessageRoundTrips() throws Exception {
        MessageDeflater deflater = new MessageDeflater(false);
        MessageInflater inflater = new MessageInflater(false, 1024);
        inflater.input(deflater.compress(ByteBuffer.allocate(0), true), true);
        ByteBuffer out = inflater.next();
        assertEquals(0, out.remaining());
        assertTrue(inflater.messageDone());
    }

    @Test
    void aMessageInflatingPastTheLimitIsRefused() throws Exception {
        Deflater zlib = new Deflater(Deflater.BEST_COMPRESSION, true);
        zlib.setInput(new byte[10 * 1024 * 1024]);
        byte[] bomb = new byte[64 * 1024];
        int n = zlib.deflate(bomb, 0, bomb.length, Deflater.SYNC_FLUSH);
        assertTrue(n < 20 * 1024, "10 MiB of zeros compress to " + n + " bytes");
        MessageInflater inflater = new MessageInflater(false, 1024 * 1024);
        inflater.input(ByteBuffer.wrap(bomb, 0, n - 4), true);
        assertThrows(MessageInflater.TooBig.class, () -> {
            while (inflater.next() != null && !inflater.messageDone()) {
                // keep inflating until refused
            }
        });
    }
}
