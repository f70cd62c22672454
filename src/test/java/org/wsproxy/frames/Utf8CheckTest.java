package org.wsproxy.frames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The incremental UTF-8 check against the JDK's strict decoder, on the cases RFC 6455's test
 * suites use (Autobahn section 6): every split of a valid text, overlong forms, surrogates, code
 * points above U+10FFFF, truncated sequences, and random bytes.
 */
class Utf8CheckTest {

    @Test
    void aValidTextPassesWhereverItIsSplit() {
        byte[] text = "a\u00e9\u20ac\ud83d\ude00\u03ba\u1f79\u03c3\u03bc\u03b5".getBytes(StandardCharsets.UTF_8);
        for (int a = 0; a <= text.length; a++) {
            for (int b = a; b <= text.length; b++) {
                Utf8Check check = new Utf8Check();
                assertTrue(check.accept(ByteBuffer.wrap(text, 0, a)));
                assertTrue(check.accept(ByteBuffer.wrap(text, a, b - a)));
                assertTrue(check.accept(ByteBuffer.wrap(text, b, text.length - b)));
                assertTrue(check.complete(), "split at " + a + " and " + b);
            }
        }
    }

    @Test
    void aFourByteCharacterSplitOverThreeFramesIsCompleteOnlyAtItsEnd() {
        byte[] smiley = "\ud83d\ude00".getBytes(StandardCharsets.UTF_8);
        Utf8Check check = new Utf8Check();
        assertTrue(check.accept(ByteBuffer.wrap(new byte[] {'a', smiley[0], smiley[1]})));
        assertFalse(check.complete());
        assertTrue(check.accept(ByteBuffer.wrap(new byte[] {smiley[2]})));
        assertFalse(check.complete());
        assertTrue(check.accept(ByteBuffer.wrap(new byte[] {smiley[3], 'b'})));
        assertTrue(check.complete());
    }

    @Test
    void invalidSequencesFailAtTheirFirstBadByte() {
        assertFails(0xC0, 0xAF);             // overlong '/'
        assertFails(0xE0, 0x80, 0xAF);       // overlong, 3 bytes
        assertFails(0xF0, 0x80, 0x80, 0xAF); // overlong, 4 bytes
        assertFails(0xED, 0xA0, 0x80);       // U+D800, a surrogate
        assertFails(0xF4, 0x90, 0x80, 0x80); // U+110000, above the last code point (Autobahn 6.4.1's part 2)
        assertFails(0xF5);                   // never a lead byte
        assertFails(0x80);                   // a continuation byte without a lead
        assertFails(0xC3, 0x28);             // a lead byte followed by ASCII
        Utf8Check truncated = new Utf8Check();
        assertTrue(truncated.accept(ByteBuffer.wrap(new byte[] {(byte) 0xE2, (byte) 0x82})));
        assertFalse(truncated.complete(), "a message may not end inside a character");
    }

    @Test
    void agreesWithTheJdksStrictDecoderOnRandomBytes() {
        Random random = new Random(6455);
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[1 + random.nextInt(12)];
            for (int i = 0; i < bytes.length; i++) {
                // Mostly bytes that can start or continue a sequence, so that valid ones come up too.
                bytes[i] = (byte) (random.nextBoolean() ? 0x80 + random.nextInt(0x40) : random.nextInt(256));
            }
            Utf8Check check = new Utf8Check();
            boolean ours = check.accept(ByteBuffer.wrap(bytes)) && check.complete();
            assertEquals(jdkAccepts(bytes), ours, () -> java.util.HexFormat.of().formatHex(bytes));
        }
    }

    private static void assertFails(int... bytes) {
        Utf8Check check = new Utf8Check();
        boolean ok = true;
        for (int b : bytes) {
            ok = check.accept(b);
        }
        assertFalse(ok, () -> "accepted " + java.util.Arrays.toString(bytes));
        assertFalse(check.accept('a'), "a failed check stays failed");
    }

    private static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
