package org.wsproxy.it;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * Everything the soak sends, derived from one seed, so that each receiver regenerates what it
 * should get instead of being told: per session (a round, a connection slot, the slot's n-th
 * connection), how many messages, who closes and with which code and reason; per message, text or
 * binary, its size (log-uniform from 1 B to {@link #MAX_SIZE}) and its content.
 * <p>
 * A message of at least {@link #HEADER_BYTES} starts with an ASCII header
 * {@code #<seq>:<size>:<crc>#} (8 hex digits each): the CRC32 covers the session's key and the
 * body, so a message of another connection fails it as surely as damaged bytes do. Shorter
 * messages have no room for one; the receiver compares them byte for byte with what it expects.
 * Text is valid UTF-8 of random characters 1 to 4 bytes wide (a quarter of them outside the BMP),
 * and its size is its UTF-8 length; chunking never changes the content, as each character is
 * drawn whole from the generator.
 */
final class SoakPlan {

    /** Largest message: 1 MiB, as the issue asks (the proxy streams any size; this bounds the test's CPU). */
    static final int MAX_SIZE = 1 << 20;
    /** {@code #} + 8 hex + {@code :} + 8 hex + {@code :} + 8 hex + {@code #}. */
    static final int HEADER_BYTES = 28;
    /** Codes a session may close with: 1000, or one of the application's range 4000-4999. */
    private static final int APPLICATION_CODES = 1000;
    /** Characters for close reasons, of every UTF-8 width, so that reasons are not only ASCII. */
    private static final String REASON_CHARACTERS = "az09 -\u00e9\u00df\u20ac\u4e2d\ud83d\ude00";

    /** What one session does. */
    record Session(int messages, boolean backendCloses, int code, String reason) {
    }

    /** The shape of one message. */
    record Message(boolean text, int size) {
    }

    private final long seed;
    /** A session sends 1 to this many messages before its close. */
    private final int maxMessagesPerSession;

    SoakPlan(long seed, int maxMessagesPerSession) {
        this.seed = seed;
        this.maxMessagesPerSession = maxMessagesPerSession;
    }

    /** The key of a session: round, slot and generation, each well inside its field. */
    static long key(int round, int slot, int generation) {
        return ((long) round << 48) | ((long) slot << 24) | generation;
    }

    static String describe(long key) {
        return "round " + (key >>> 48) + " slot " + ((key >>> 24) & 0xffffff) + " connection " + (key & 0xffffff);
    }

    Session session(long key) {
        SplittableRandom random = random(key, -1, 1);
        int messages = 1 + random.nextInt(maxMessagesPerSession);
        boolean backendCloses = random.nextInt(3) == 0;
        int pick = random.nextInt(APPLICATION_CODES + 1);
        int code = pick == APPLICATION_CODES ? 1000 : 4000 + pick;
        StringBuilder reason = new StringBuilder("bye ").append(describe(key));
        int extra = random.nextInt(12);
        for (int i = 0; i < extra; i++) {
            int at = random.nextInt(REASON_CHARACTERS.length());
            if (Character.isLowSurrogate(REASON_CHARACTERS.charAt(at))) {
                at--;
            }
            reason.append(REASON_CHARACTERS, at, Character.isHighSurrogate(REASON_CHARACTERS.charAt(at)) ? at + 2 : at + 1);
        }
        return new Session(messages, backendCloses, code, reason.toString());
    }

    Message message(long key, int seq) {
        SplittableRandom random = random(key, seq, 2);
        boolean text = random.nextBoolean();
        // Log-uniform: as many messages between 1 and 2 KiB as between 512 KiB and 1 MiB.
        int size = (int) Math.min(MAX_SIZE, Math.floor(Math.exp(random.nextDouble() * Math.log(MAX_SIZE + 1.0))));
        return new Message(text, Math.max(1, size));
    }

    /** The content generator of a message (its body: the bytes after the header, if it has one). */
    Content content(long key, int seq) {
        Message message = message(key, seq);
        int body = message.size() >= HEADER_BYTES ? message.size() - HEADER_BYTES : message.size();
        return new Content(random(key, seq, 3), message.text(), body);
    }

    /** The parts of a message as a sender sends them: the header on its own, then the body in chunks. */
    Parts parts(long key, int seq) {
        Message message = message(key, seq);
        return new Parts(message.text(), message.size() >= HEADER_BYTES ? header(key, seq) : null, content(key, seq));
    }

    /** The header of a message of at least {@link #HEADER_BYTES}: its CRC needs a pass over the content. */
    private byte[] header(long key, int seq) {
        Message message = message(key, seq);
        CRC32 crc = crc(key);
        Content content = content(key, seq);
        byte[] buffer = new byte[64 * 1024];
        for (int n = content.fill(buffer); n > 0; n = content.fill(buffer)) {
            crc.update(buffer, 0, n);
        }
        return String.format("#%08x:%08x:%08x#", seq, message.size(), crc.getValue()).getBytes(StandardCharsets.US_ASCII);
    }

    /** A CRC32 that has already taken in the session's key. */
    static CRC32 crc(long key) {
        CRC32 crc = new CRC32();
        for (int shift = 56; shift >= 0; shift -= 8) {
            crc.update((int) (key >>> shift));
        }
        return crc;
    }

    private SplittableRandom random(long key, int seq, int purpose) {
        return new SplittableRandom(mix(mix(mix(seed ^ key) ^ seq) ^ purpose));
    }

    /** SplitMix64's finalizer: nearby inputs give unrelated seeds. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** One message, part by part. */
    static final class Parts {
        private final boolean text;
        /** Until it has been produced; null for a message too short for one. */
        private byte[] header;
        private final Content body;

        Parts(boolean text, byte[] header, Content body) {
            this.text = text;
            this.header = header;
            this.body = body;
        }

        boolean text() {
            return text;
        }

        /** Writes the next part into {@code buffer} (at least {@link #HEADER_BYTES} long) from its start; returns its length. */
        int next(byte[] buffer) {
            if (header != null) {
                System.arraycopy(header, 0, buffer, 0, header.length);
                int length = header.length;
                header = null;
                return length;
            }
            return body.fill(buffer);
        }

        /** True once the last part has been produced. */
        boolean done() {
            return header == null && body.remaining() == 0;
        }
    }

    /** The body of one message, produced in chunks of whole characters. */
    static final class Content {
        private final SplittableRandom random;
        private final boolean text;
        private int remaining;

        Content(SplittableRandom random, boolean text, int bytes) {
            this.random = random;
            this.text = text;
            this.remaining = bytes;
        }

        int remaining() {
            return remaining;
        }

        /** Writes the next bytes into {@code buffer} (at least 4 long) from its start; 0 at the end. */
        int fill(byte[] buffer) {
            int at = 0;
            if (!text) {
                while (remaining > 0 && at < buffer.length) {
                    long bits = random.nextLong();
                    for (int i = 0; i < 8 && remaining > 0 && at < buffer.length; i++, remaining--) {
                        buffer[at++] = (byte) (bits >>> (8 * i));
                    }
                }
                return at;
            }
            while (remaining > 0 && at + 4 <= buffer.length) {
                int width = 1 + random.nextInt(4);
                if (width > remaining) {
                    width = 1;
                }
                at = encode(codePoint(width), width, buffer, at);
                remaining -= width;
            }
            return at;
        }

        private int codePoint(int width) {
            return switch (width) {
                case 1 -> 0x20 + random.nextInt(0x7f - 0x20);
                case 2 -> 0x80 + random.nextInt(0x800 - 0x80);
                case 3 -> {
                    int c = 0x800 + random.nextInt(0x10000 - 0x800 - 0x800);
                    yield c >= 0xd800 ? c + 0x800 : c; // skip the surrogates
                }
                default -> 0x10000 + random.nextInt(0x110000 - 0x10000);
            };
        }

        private static int encode(int c, int width, byte[] out, int at) {
            switch (width) {
                case 1 -> out[at++] = (byte) c;
                case 2 -> {
                    out[at++] = (byte) (0xc0 | c >>> 6);
                    out[at++] = (byte) (0x80 | c & 0x3f);
                }
                case 3 -> {
                    out[at++] = (byte) (0xe0 | c >>> 12);
                    out[at++] = (byte) (0x80 | c >>> 6 & 0x3f);
                    out[at++] = (byte) (0x80 | c & 0x3f);
                }
                default -> {
                    out[at++] = (byte) (0xf0 | c >>> 18);
                    out[at++] = (byte) (0x80 | c >>> 12 & 0x3f);
                    out[at++] = (byte) (0x80 | c >>> 6 & 0x3f);
                    out[at++] = (byte) (0x80 | c & 0x3f);
                }
            }
            return at;
        }
    }
}
