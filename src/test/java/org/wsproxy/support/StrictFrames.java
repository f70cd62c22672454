package org.wsproxy.support;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the frames one endpoint sends, in order, against every RFC 6455 rule a receiver can see,
 * for a connection without extensions: masking by direction (5.1, 5.3), RSV bits 0 (5.2), known
 * opcodes (5.2), control frames final and at most 125 bytes (5.5), continuation only inside a
 * message and a new message only outside one (5.4), text valid UTF-8 across fragments and complete
 * at the end of the message (8.1), close frames with no 1-byte body, a code an endpoint may send
 * (7.4) and a UTF-8 reason (5.5.1), and nothing after the close (5.5.1).
 * <p>
 * Frame lengths are checked when they are read ({@link WireFrames.Malformed}). One instance per
 * direction of one connection, used by the one thread that reads it.
 */
public final class StrictFrames {

    private final boolean fromClient;
    private final List<String> violations = new ArrayList<>();
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    /** 0 outside a message, else the opcode of the message in progress (1 text, 2 binary). */
    private int messageOpcode;
    /** Bytes of a UTF-8 sequence cut by a fragment boundary, waiting for the next fragment. */
    private ByteBuffer pending = ByteBuffer.allocate(0);
    private boolean closeSeen;
    private int frames;

    /** @param fromClient true for what a client sends (must be masked), false for what a server sends (must not be) */
    public StrictFrames(boolean fromClient) {
        this.fromClient = fromClient;
    }

    /** Checks the next frame; each broken rule is added to {@link #violations()}. */
    public void check(RawClient.Frame frame) {
        frames++;
        int opcode = frame.opcode();
        if (closeSeen) {
            violation("opcode " + opcode + " frame after the close frame");
        }
        if (frame.masked() != fromClient) {
            violation((fromClient ? "unmasked" : "masked") + " frame from the " + (fromClient ? "client" : "server"));
        }
        if (frame.rsv() != 0) {
            violation("RSV bits " + Integer.toBinaryString(frame.rsv()) + " set without an extension");
        }
        switch (opcode) {
            case 0x0 -> continuation(frame);
            case 0x1, 0x2 -> start(frame);
            case 0x8, 0x9, 0xA -> control(frame);
            default -> violation("reserved opcode 0x" + Integer.toHexString(opcode));
        }
    }

    /** What was wrong so far, each with the number of the frame (from 1) that broke the rule. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    private void start(RawClient.Frame frame) {
        if (messageOpcode != 0) {
            violation("opcode " + frame.opcode() + " frame inside an unfinished fragmented message");
        }
        messageOpcode = frame.opcode();
        pending = ByteBuffer.allocate(0);
        data(frame);
    }

    private void continuation(RawClient.Frame frame) {
        if (messageOpcode == 0) {
            violation("continuation frame outside a fragmented message");
            return;
        }
        data(frame);
    }

    private void data(RawClient.Frame frame) {
        if (messageOpcode == 0x1) {
            pending = decode(pending, frame.payload(), frame.fin());
        }
        if (frame.fin()) {
            messageOpcode = 0;
        }
    }

    /** Decodes {@code pending} then {@code part}; returns the bytes of a sequence left incomplete. */
    private ByteBuffer decode(ByteBuffer before, byte[] part, boolean last) {
        ByteBuffer in = ByteBuffer.allocate(before.remaining() + part.length).put(before).put(part).flip();
        CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
        utf8.reset();
        CoderResult result = utf8.decode(in, out, last);
        if (result.isError()) {
            violation("invalid UTF-8 in a text message");
            return ByteBuffer.allocate(0);
        }
        if (last && in.hasRemaining()) {
            violation("text message ends inside a UTF-8 sequence");
        }
        return in.slice();
    }

    private void control(RawClient.Frame frame) {
        if (!frame.fin()) {
            violation("fragmented control frame (opcode " + frame.opcode() + ")");
        }
        if (frame.payload().length > 125) {
            violation("control frame (opcode " + frame.opcode() + ") of " + frame.payload().length + " bytes");
        }
        if (frame.opcode() == 0x8) {
            closeSeen = true;
            closeBody(frame.payload());
        }
    }

    private void closeBody(byte[] payload) {
        if (payload.length == 0) {
            return;
        }
        if (payload.length == 1) {
            violation("close frame with a 1-byte body");
            return;
        }
        int code = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        if (!sendable(code)) {
            violation("close code " + code + ", which must not be sent");
        }
        try {
            utf8.reset();
            utf8.decode(ByteBuffer.wrap(payload, 2, payload.length - 2));
        } catch (CharacterCodingException e) {
            violation("close reason is not valid UTF-8");
        }
    }

    /**
     * RFC 6455 section 7.4.1 and the IANA registry: 1000-1003, 1007-1011, the registered 1012-1014,
     * and 3000-4999. 1004 is reserved; 1005, 1006 and 1015 are for reporting only.
     */
    public static boolean sendable(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    private void violation(String what) {
        violations.add("frame " + frames + " from the " + (fromClient ? "client" : "server") + ": " + what);
    }
}
