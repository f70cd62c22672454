package org.wsproxy.frames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wsproxy.support.WireFrames;

/**
 * The frame reader on frames built by the tests' own encoder ({@link WireFrames}), fed whole and
 * cut at every byte, and on the headers RFC 6455 refuses.
 */
class FrameReaderTest {

    private static final long LIMIT = 1 << 20;

    /** What the reader reported, one line per frame: header, then the unmasked payload. */
    private static final class Recorder implements FrameReader.Frames {
        final List<String> frames = new ArrayList<>();
        private String header;
        private int mask;
        private final ByteArrayOutputStream payload = new ByteArrayOutputStream();

        @Override
        public void header(boolean fin, int rsv, int opcode, long length, boolean masked, int mask) {
            header = (fin ? "fin " : "") + "rsv" + rsv + " op" + opcode + " len" + length + (masked ? " masked" : "");
            this.mask = mask;
            payload.reset();
        }

        @Override
        public void payload(ByteBuffer slice, long offset) {
            for (int i = 0; slice.hasRemaining(); i++) {
                long at = offset + i;
                int key = (mask >>> (8 * (3 - (int) (at & 3)))) & 0xFF;
                payload.write((slice.get() & 0xFF) ^ key);
            }
        }

        @Override
        public void end() {
            frames.add(header + " [" + payload.toString(StandardCharsets.ISO_8859_1) + "]");
        }
    }

    private static byte[] stream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(WireFrames.encode(false, 0x1, "frag".getBytes(StandardCharsets.US_ASCII), true));
        out.writeBytes(WireFrames.encode(true, 0x9, new byte[0], true));
        out.writeBytes(WireFrames.encode(true, 0x0, "ment".getBytes(StandardCharsets.US_ASCII), true));
        out.writeBytes(WireFrames.encode(true, 0x2, "x".repeat(300).getBytes(StandardCharsets.US_ASCII), true));
        out.writeBytes(WireFrames.encode(true, 0x2, "y".repeat(70_000).getBytes(StandardCharsets.US_ASCII), true));
        out.writeBytes(WireFrames.encode(true, 0x8, WireFrames.closePayload(1000, new byte[0]), true));
        return out.toByteArray();
    }

    private static final List<String> EXPECTED = List.of("rsv0 op1 len4 masked [frag]", "fin rsv0 op9 len0 masked []",
            "fin rsv0 op0 len4 masked [ment]", "fin rsv0 op2 len300 masked [" + "x".repeat(300) + "]",
            "fin rsv0 op2 len70000 masked [" + "y".repeat(70_000) + "]", "fin rsv0 op8 len2 masked [\u0003\u00e8]");

    @Test
    void framesAreReadWholeAndUnmaskedByOffset() {
        Recorder recorder = new Recorder();
        assertNull(new FrameReader(recorder, true, 0, LIMIT).read(ByteBuffer.wrap(stream())));
        assertEquals(EXPECTED, recorder.frames);
    }

    @Test
    void framesCutAtAnyByteReadTheSame() {
        byte[] bytes = stream();
        for (int cut = 1; cut < 80; cut++) {
            Recorder recorder = new Recorder();
            FrameReader reader = new FrameReader(recorder, true, 0, LIMIT);
            for (int at = 0; at < bytes.length; at += cut) {
                assertNull(reader.read(ByteBuffer.wrap(bytes, at, Math.min(cut, bytes.length - at))));
            }
            assertEquals(EXPECTED, recorder.frames, "cut every " + cut + " bytes");
        }
    }

    @Test
    void headersRfc6455RefusesEndTheReadingWithTheirCode() {
        assertViolation(1002, "unmasked frame from a client", true, WireFrames.encode(true, 0x1, new byte[1], false));
        assertViolation(1002, "masked frame from a server", false, WireFrames.encode(true, 0x1, new byte[1], true));
        assertViolation(1002, "reserved opcode 3", true, WireFrames.encode(true, 0x3, new byte[1], true));
        assertViolation(1002, "reserved opcode 11", true, WireFrames.encode(true, 0xB, new byte[1], true));
        assertViolation(1002, "fragmented control frame", true, WireFrames.encode(false, 0x9, new byte[1], true));
        assertViolation(1002, "control frame with more than 125 bytes of payload", true,
                WireFrames.encode(true, 0x9, new byte[126], true));
        assertViolation(1002, "reserved bits set that no extension negotiated", true,
                WireFrames.encode(true, 0x4, 0x1, new byte[1], true));
        assertViolation(1009, "frame of 1048577 bytes, more than the 1048576 allowed", true,
                WireFrames.encode(true, 0x2, new byte[(int) LIMIT + 1], true));
        byte[] hugeLength = {(byte) 0x82, (byte) 0xFF, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0};
        assertViolation(1002, "payload length with its most significant bit set", true, hugeLength);
    }

    @Test
    void aNegotiatedReservedBitPassesOnDataFramesOnly() {
        Recorder recorder = new Recorder();
        FrameReader reader = new FrameReader(recorder, true, 0x4, LIMIT);
        assertNull(reader.read(ByteBuffer.wrap(WireFrames.encode(true, 0x4, 0x1, "z".getBytes(StandardCharsets.US_ASCII), true))));
        assertEquals(List.of("fin rsv4 op1 len1 masked [z]"), recorder.frames);
        FrameReader.Violation control = new FrameReader(new Recorder(), true, 0x4, LIMIT)
                .read(ByteBuffer.wrap(WireFrames.encode(true, 0x4, 0x9, new byte[0], true)));
        assertEquals(new FrameReader.Violation(1002, "reserved bits set on a control frame"), control);
    }

    private static void assertViolation(int code, String reason, boolean fromClient, byte[] bytes) {
        Recorder recorder = new Recorder();
        FrameReader reader = new FrameReader(recorder, fromClient, 0, LIMIT);
        assertEquals(new FrameReader.Violation(code, reason), reader.read(ByteBuffer.wrap(bytes)));
        assertEquals(List.of(), recorder.frames, "nothing is reported of a refused frame");
        assertEquals(new FrameReader.Violation(code, reason), reader.read(ByteBuffer.wrap(new byte[] {0x1})),
                "a failed reader stays failed");
    }
}
