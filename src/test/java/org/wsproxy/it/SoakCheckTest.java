package org.wsproxy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@link SoakCheck} against {@link SoakPlan}, without a network: what the soak's senders produce
 * passes, and each kind of damage the soak must report is reported as that kind. Runs with the
 * unit tests (it needs no container), so that a soak that passes is known to be able to fail.
 */
class SoakCheckTest {

    private static final SoakPlan PLAN = new SoakPlan(42, 200);
    /** A session with 200 messages: both kinds, short ones and ones near 1 MiB. */
    private static final long KEY = SoakPlan.key(1, 7, 3);

    @Test
    void everyMessageAsSentPassesInOrder() {
        SoakCheck check = new SoakCheck(PLAN, KEY);
        int n = PLAN.session(KEY).messages();
        int text = 0;
        int small = 0;
        for (int seq = 0; seq < n; seq++) {
            deliver(check, parts(seq, 16 * 1024));
            text += PLAN.message(KEY, seq).text() ? 1 : 0;
            small += PLAN.message(KEY, seq).size() < SoakPlan.HEADER_BYTES ? 1 : 0;
        }
        assertEquals(List.of(n, 0L, 0L, 0L, 0L), counts(check, n));
        // The seed gives both kinds and both forms (with and without a header).
        assertEquals(true, text > 0 && text < n && small > 0, "text " + text + ", small " + small + " of " + n);
    }

    /** The proxy and the containers split messages where they like: inside characters, between surrogates. */
    @Test
    void textSplitAnywherePasses() {
        SoakCheck check = new SoakCheck(PLAN, KEY);
        int textMessages = 0;
        for (int seq = 0; seq < 40; seq++) {
            List<Object> parts = parts(seq, 16 * 1024);
            if (parts.get(0) instanceof String) {
                textMessages++;
                String whole = String.join("", parts.stream().map(String.class::cast).toList());
                List<Object> split = new ArrayList<>();
                for (int at = 0; at < whole.length(); at += 7) {
                    split.add(whole.substring(at, Math.min(whole.length(), at + 7)));
                }
                deliver(check, split);
            } else {
                deliver(check, parts);
            }
        }
        assertEquals(List.of(40, 0L, 0L, 0L, 0L), counts(check, 40));
        assertEquals(true, textMessages > 5, "text messages " + textMessages);
    }

    @Test
    void aChangedByteIsCorruptionInLongAndShortMessages() {
        for (boolean shortOne : new boolean[] {true, false}) {
            SoakCheck check = new SoakCheck(PLAN, KEY);
            int damaged = first(shortOne);
            for (int seq = 0; seq <= damaged; seq++) {
                List<Object> parts = parts(seq, 16 * 1024);
                if (seq == damaged) {
                    parts = damage(parts);
                }
                deliver(check, parts);
            }
            // The damaged message is not identified, so it also counts as lost.
            assertEquals(List.of(damaged + 1, 1L, 0L, 0L, 1L), counts(check, damaged + 1), "short " + shortOne);
        }
    }

    @Test
    void swappedMessagesAreReordered() {
        SoakCheck check = new SoakCheck(PLAN, KEY);
        deliver(check, parts(0, 4096));
        deliver(check, parts(2, 4096));
        deliver(check, parts(1, 4096));
        deliver(check, parts(3, 4096));
        assertEquals(List.of(4, 0L, 1L, 0L, 0L), counts(check, 4));
    }

    @Test
    void aRepeatedMessageIsDuplicatedAndAMissingOneLost() {
        SoakCheck check = new SoakCheck(PLAN, KEY);
        deliver(check, parts(0, 4096));
        deliver(check, parts(1, 4096));
        deliver(check, parts(1, 4096));
        deliver(check, parts(3, 4096));
        assertEquals(List.of(4, 1L, 0L, 1L, 0L), counts(check, 4));
    }

    /** Another connection's message, intact, is not this connection's: the CRC covers the session. */
    @Test
    void aMessageOfAnotherSessionIsCorruption() {
        long other = SoakPlan.key(1, 8, 3);
        SoakCheck check = new SoakCheck(PLAN, other);
        int seq = first(false);
        for (int s = 0; s < seq; s++) {
            deliver(check, partsOf(other, s));
        }
        deliver(check, parts(seq, 4096));
        assertEquals(1L, check.corrupted());
    }

    /** received, lost, reordered, duplicated, corrupted. */
    private static List<Number> counts(SoakCheck check, int sent) {
        return List.of((int) check.received(), check.lost(sent), check.reordered(), check.duplicated(), check.corrupted());
    }

    /** The first message of this session that is short (no header), or long (with one, and over 1 KiB). */
    private static int first(boolean shortOne) {
        for (int seq = 0; ; seq++) {
            int size = PLAN.message(KEY, seq).size();
            if (shortOne ? size < SoakPlan.HEADER_BYTES : size > 1024) {
                return seq;
            }
        }
    }

    private static List<Object> parts(int seq, int chunk) {
        return partsOf(KEY, seq, chunk);
    }

    private static List<Object> partsOf(long key, int seq) {
        return partsOf(key, seq, 4096);
    }

    /** The parts as the soak's client sends them: strings for text, byte buffers for binary. */
    private static List<Object> partsOf(long key, int seq, int chunk) {
        SoakPlan.Parts parts = PLAN.parts(key, seq);
        byte[] buffer = new byte[chunk];
        List<Object> out = new ArrayList<>();
        do {
            int n = parts.next(buffer);
            out.add(parts.text() ? new String(buffer, 0, n, StandardCharsets.UTF_8) : ByteBuffer.wrap(buffer.clone(), 0, n));
        } while (!parts.done());
        return out;
    }

    /** The same parts with one character or byte changed in the last one. */
    private static List<Object> damage(List<Object> parts) {
        List<Object> out = new ArrayList<>(parts);
        Object last = out.get(out.size() - 1);
        if (last instanceof String text) {
            char c = text.charAt(text.length() - 1);
            out.set(out.size() - 1, text.substring(0, text.length() - 1) + (c == 'x' ? 'y' : 'x'));
        } else {
            ByteBuffer bytes = ((ByteBuffer) last).duplicate();
            int at = bytes.limit() - 1;
            bytes.put(at, (byte) (bytes.get(at) ^ 0x20));
        }
        return out;
    }

    private static void deliver(SoakCheck check, List<Object> parts) {
        for (int i = 0; i < parts.size(); i++) {
            boolean last = i == parts.size() - 1;
            if (parts.get(i) instanceof String text) {
                check.text(text, last);
            } else {
                check.binary((ByteBuffer) parts.get(i), last);
            }
        }
    }
}
