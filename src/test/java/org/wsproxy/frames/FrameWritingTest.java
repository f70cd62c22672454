package org.wsproxy.frames;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.WireFrames;

/**
 * Headers, masking and close payloads against the tests' own frame encoder ({@link WireFrames}),
 * which was written from RFC 6455 apart from this code.
 */
class FrameWritingTest {

    @Test
    void headersMatchAnIndependentEncoderAtEveryLengthBoundary() {
        byte[] key = {0x11, 0x22, 0x33, 0x44};
        for (int length : new int[] {0, 1, 125, 126, 65535, 65536, 70_000}) {
            for (boolean masked : new boolean[] {false, true}) {
                byte[] expected = WireFrames.encode(true, 0x4, 0x2, new byte[length], masked ? key : null);
                ByteBuffer header = ByteBuffer.allocate(FrameHeader.MAX_LENGTH);
                FrameHeader.write(header, true, 0x4, 0x2, length, masked, 0x11223344);
                assertEquals(FrameHeader.size(length, masked), header.position(), "size of the header for " + length);
                byte[] ours = new byte[header.position()];
                header.flip().get(ours);
                byte[] theirs = java.util.Arrays.copyOf(expected, ours.length);
                assertArrayEquals(theirs, ours, "header for " + length + (masked ? ", masked" : ""));
            }
        }
    }

    @Test
    void maskingAtAnyOffsetAndSplitUndoesTheEncodersMask() {
        Random random = new Random(5);
        byte[] payload = new byte[1000];
        random.nextBytes(payload);
        byte[] key = {(byte) 0xA1, 0x02, (byte) 0xB3, 0x04};
        byte[] frame = WireFrames.encode(true, 0, 0x2, payload, key);
        int headerSize = FrameHeader.size(payload.length, true);
        for (int cut = 1; cut < 11; cut++) {
            ByteBuffer masked = ByteBuffer.wrap(frame.clone(), headerSize, payload.length).slice();
            for (int at = 0; at < payload.length; at += cut) {
                ByteBuffer slice = masked.slice(at, Math.min(cut, payload.length - at));
                Masking.apply(slice, 0xA102B304, at);
            }
            byte[] unmasked = new byte[payload.length];
            masked.get(0, unmasked);
            assertArrayEquals(payload, unmasked, "unmasked in slices of " + cut);
        }
    }

    @Test
    void remaskingWithTheXorOfTwoKeysGivesTheSecondKeysMask() {
        byte[] payload = "re-masked for the backend".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.wrap(payload.clone());
        Masking.apply(buffer, 0x01020304, 0);
        Masking.apply(buffer, 0x01020304 ^ 0x0A0B0C0D, 0);
        Masking.apply(buffer, 0x0A0B0C0D, 0);
        assertArrayEquals(payload, buffer.array());
    }

    @Test
    void closePayloadsAreReadOrRefusedWithTheirCode() {
        assertEquals(new CloseFrames.Valid(1005, ""), CloseFrames.parse(ByteBuffer.allocate(0)));
        assertEquals(new CloseFrames.Valid(4000, "bye \u00e9"),
                CloseFrames.parse(ByteBuffer.wrap(WireFrames.closePayload(4000, "bye \u00e9".getBytes(StandardCharsets.UTF_8)))));
        assertEquals(new CloseFrames.Refused(1002, "close frame with a 1-byte payload"), CloseFrames.parse(ByteBuffer.wrap(new byte[] {3})));
        assertEquals(new CloseFrames.Refused(1002, "invalid close code 1005"),
                CloseFrames.parse(ByteBuffer.wrap(WireFrames.closePayload(1005, new byte[0]))));
        assertEquals(new CloseFrames.Refused(1002, "invalid close code 999"),
                CloseFrames.parse(ByteBuffer.wrap(WireFrames.closePayload(999, new byte[0]))));
        assertEquals(new CloseFrames.Refused(1007, "close reason is not valid UTF-8"),
                CloseFrames.parse(ByteBuffer.wrap(WireFrames.closePayload(1000, new byte[] {(byte) 0xC3}))));
    }
}
