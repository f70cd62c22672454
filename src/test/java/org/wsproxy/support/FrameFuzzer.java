package org.wsproxy.support;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Client traffic for a fuzzer: a valid sequence of masked frames (text with characters cut between
 * fragments, binary, pings between fragments, pongs, a close), then a few random mutations (a bit,
 * a byte, a frame's first or second header byte, a cut, inserted bytes), and what an endpoint
 * that follows RFC 6455 makes of the result ({@link Expected}, found by parsing it with
 * {@link StrictFrames}). Everything comes from the given {@link Random}, so a seed reproduces a case.
 */
public final class FrameFuzzer {

    /** Close codes a client may send that Tomcat takes as valid (it refuses 1012-1014 from a client). */
    private static final int[] CLOSE_CODES = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 4000, 4999};
    /** 1, 2, 3 and 4 bytes in UTF-8, so that a fragment boundary can fall inside a character. */
    private static final String[] CHARACTERS = {"a", " ", "\u00e9", "\u20ac", "\ud83d\ude00"};

    /** One case: what it is, the bytes to send, and what a conforming server makes of them. */
    public record Case(String description, byte[] bytes, Expected expected) {
    }

    /**
     * What a conforming server does with the bytes, up to where it stops: the whole data messages
     * it delivers ({@link #describe}), the pings it answers (payloads in hex), the close the client
     * sent ({@code closeCode}: its code, 1005 for a close without one; null if none was reached).
     * {@code failed}: a frame broke RFC 6455, so the server fails the connection (1002 or 1007).
     * {@code known} false: a length field the fixtures cannot follow (not minimal, or huge) ended
     * the parse, so what the server does after the messages listed is not known.
     */
    public record Expected(List<String> messages, List<String> pings, Integer closeCode, boolean failed, boolean known) {
    }

    private final Random random;

    public FrameFuzzer(Random random) {
        this.random = random;
    }

    /** "opcode:payload in hex", so that a difference shows byte for byte. */
    public static String describe(int opcode, byte[] payload) {
        return opcode + ":" + HexFormat.of().formatHex(payload);
    }

    /** The next case: a valid sequence with 0 to 3 mutations. */
    public Case next() {
        List<Integer> starts = new ArrayList<>();
        ByteArrayOutputStream valid = new ByteArrayOutputStream();
        StringBuilder description = new StringBuilder();
        int items = 1 + random.nextInt(4);
        for (int i = 0; i < items; i++) {
            switch (random.nextInt(4)) {
                case 0 -> message(0x1, randomText(40).getBytes(StandardCharsets.UTF_8), valid, starts, description);
                case 1 -> message(0x2, randomBytes(random.nextInt(300)), valid, starts, description);
                case 2 -> frame(true, 0x9, randomBytes(random.nextInt(126)), valid, starts, description);
                default -> frame(true, 0xA, randomBytes(random.nextInt(10)), valid, starts, description);
            }
        }
        if (random.nextBoolean()) {
            // At most 30 characters of at most 4 bytes: within the 123 bytes a close reason may take.
            byte[] reason = random.nextBoolean() ? new byte[0] : randomText(30).getBytes(StandardCharsets.UTF_8);
            frame(true, 0x8, WireFrames.closePayload(CLOSE_CODES[random.nextInt(CLOSE_CODES.length)], reason), valid, starts, description);
        }
        byte[] bytes = valid.toByteArray();
        int mutations = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(3);
        for (int m = 0; m < mutations && bytes.length > 0; m++) {
            bytes = mutate(bytes, starts, description);
        }
        return new Case(description.toString(), bytes, expect(bytes));
    }

    private void message(int opcode, byte[] payload, ByteArrayOutputStream out, List<Integer> starts, StringBuilder description) {
        int fragments = 1 + random.nextInt(3);
        int from = 0;
        for (int f = 0; f < fragments; f++) {
            boolean last = f == fragments - 1;
            int to = last ? payload.length : from + random.nextInt(payload.length - from + 1);
            byte[] part = Arrays.copyOfRange(payload, from, to);
            frame(last, f == 0 ? opcode : 0x0, part, out, starts, description);
            if (!last && random.nextInt(3) == 0) {
                frame(true, 0x9, randomBytes(random.nextInt(8)), out, starts, description);
            }
            from = to;
        }
    }

    private void frame(boolean fin, int opcode, byte[] payload, ByteArrayOutputStream out, List<Integer> starts, StringBuilder description) {
        starts.add(out.size());
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        out.writeBytes(WireFrames.encode(fin, 0, opcode, payload, mask));
        description.append(fin ? "" : "~").append(Integer.toHexString(opcode)).append('(').append(payload.length).append(") ");
    }

    private byte[] mutate(byte[] bytes, List<Integer> starts, StringBuilder description) {
        byte[] out = bytes.clone();
        int at = random.nextInt(bytes.length);
        int frameStart = starts.get(random.nextInt(starts.size()));
        switch (random.nextInt(6)) {
            case 0 -> {
                int bit = random.nextInt(8);
                out[at] ^= (byte) (1 << bit);
                description.append("| flip bit ").append(bit).append(" of byte ").append(at).append(' ');
            }
            case 1 -> {
                out[at] = (byte) random.nextInt(256);
                description.append("| byte ").append(at).append(" = ").append(out[at] & 0xff).append(' ');
            }
            case 2 -> {
                if (frameStart < out.length) {
                    out[frameStart] = (byte) random.nextInt(256);
                    description.append("| first header byte at ").append(frameStart).append(" = ").append(out[frameStart] & 0xff).append(' ');
                }
            }
            case 3 -> {
                if (frameStart + 1 < out.length) {
                    out[frameStart + 1] = (byte) random.nextInt(256);
                    description.append("| length byte at ").append(frameStart + 1).append(" = ").append(out[frameStart + 1] & 0xff).append(' ');
                }
            }
            case 4 -> {
                out = Arrays.copyOf(bytes, at);
                description.append("| cut at ").append(at).append(' ');
            }
            default -> {
                byte[] inserted = randomBytes(1 + random.nextInt(4));
                ByteArrayOutputStream joined = new ByteArrayOutputStream();
                joined.write(bytes, 0, at);
                joined.writeBytes(inserted);
                joined.write(bytes, at, bytes.length - at);
                out = joined.toByteArray();
                description.append("| insert ").append(HexFormat.of().formatHex(inserted)).append(" at ").append(at).append(' ');
            }
        }
        return out;
    }

    /** Parses {@code bytes} as a conforming server would, up to the first frame it cannot accept. */
    static Expected expect(byte[] bytes) {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        StrictFrames rules = new StrictFrames(true);
        List<String> messages = new ArrayList<>();
        List<String> pings = new ArrayList<>();
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int messageOpcode = 0;
        while (true) {
            RawClient.Frame frame;
            try {
                frame = WireFrames.read(in);
            } catch (WireFrames.Malformed e) {
                return new Expected(messages, pings, null, false, false);
            } catch (EOFException e) {
                // A frame cut short: the server waits for the rest, then sees the connection end.
                return new Expected(messages, pings, null, false, true);
            } catch (IOException e) {
                throw new IllegalStateException("reading from memory", e);
            }
            if (frame == null) {
                return new Expected(messages, pings, null, false, true);
            }
            rules.check(frame);
            if (!rules.violations().isEmpty()) {
                return new Expected(messages, pings, null, true, true);
            }
            switch (frame.opcode()) {
                case 0x8 -> {
                    return new Expected(messages, pings, frame.closeCode(), false, true);
                }
                case 0x9 -> pings.add(HexFormat.of().formatHex(frame.payload()));
                case 0xA -> {
                    // Unsolicited pongs are ignored.
                }
                default -> {
                    if (frame.opcode() != 0) {
                        messageOpcode = frame.opcode();
                        message.reset();
                    }
                    message.writeBytes(frame.payload());
                    if (frame.fin()) {
                        messages.add(describe(messageOpcode, message.toByteArray()));
                    }
                }
            }
        }
    }

    private String randomText(int maxCharacters) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(maxCharacters + 1);
        for (int i = 0; i < length; i++) {
            text.append(CHARACTERS[random.nextInt(CHARACTERS.length)]);
        }
        return text.toString();
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
