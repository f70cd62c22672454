package org.wsproxy.frames;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The wide paths of {@link Masking} and {@link Utf8Check} (eight bytes at a time on the array)
 * against the byte-by-byte rule of RFC 6455 section 5.3 and against the byte-by-byte check, for
 * every length and start around the eight-byte steps, on array-backed and direct buffers.
 */
class MaskingTest {

    @Test
    void maskingMatchesTheRuleByteForByteAtEveryLengthOffsetAndStart() {
        Random random = new Random(6455);
        for (int length = 0; length <= 40; length++) {
            for (int offset = 0; offset < 8; offset++) {
                for (int start = 0; start < 3; start++) {
                    byte[] payload = new byte[length];
                    random.nextBytes(payload);
                    int key = random.nextInt() | 1;
                    byte[] expected = new byte[length];
                    for (int i = 0; i < length; i++) {
                        expected[i] = (byte) (payload[i] ^ (key >>> (24 - 8 * ((offset + i) & 3))));
                    }
                    byte[] framed = new byte[start + length + 2];
                    System.arraycopy(payload, 0, framed, start, length);
                    ByteBuffer heap = ByteBuffer.wrap(framed).position(start).limit(start + length).slice();
                    Masking.apply(heap, key, offset);
                    byte[] heapResult = new byte[length];
                    heap.get(0, heapResult);
                    assertArrayEquals(expected, heapResult, "heap, length " + length + " offset " + offset);
                    ByteBuffer direct = ByteBuffer.allocateDirect(length).put(payload).flip();
                    Masking.apply(direct, key, offset);
                    byte[] directResult = new byte[length];
                    direct.get(0, directResult);
                    assertArrayEquals(expected, directResult, "direct, length " + length + " offset " + offset);
                }
            }
        }
    }

    @Test
    void theWideUtf8CheckAgreesWithTheByteByByteOne() {
        Random random = new Random(3629);
        String[] pieces = {"plain ascii text ", "\u00e9", "\u20ac", "\ud83d\ude00", "x"};
        for (int round = 0; round < 2000; round++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 0 && random.nextBoolean()) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256); // often invalid
            }
            Utf8Check bytewise = new Utf8Check();
            boolean expected = true;
            for (byte b : bytes) {
                expected &= bytewise.accept(b & 0xFF);
            }
            // The same bytes in two slices cut anywhere, from an array with bytes before them.
            int cut = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
            byte[] framed = new byte[bytes.length + 3];
            System.arraycopy(bytes, 0, framed, 3, bytes.length);
            Utf8Check wide = new Utf8Check();
            boolean actual = wide.accept(ByteBuffer.wrap(framed, 3, cut).slice())
                    && wide.accept(ByteBuffer.wrap(framed, 3 + cut, bytes.length - cut).slice());
            assertEquals(expected, actual, "bytes " + java.util.HexFormat.of().formatHex(bytes) + " cut at " + cut);
            if (expected) {
                assertEquals(bytewise.complete(), wide.complete());
            }
        }
        assertTrue(new Utf8Check().accept(ByteBuffer.wrap("twelve bytes".getBytes(StandardCharsets.US_ASCII))));
        assertFalse(new Utf8Check().accept(ByteBuffer.wrap(new byte[] {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', (byte) 0xff})));
    }
}
