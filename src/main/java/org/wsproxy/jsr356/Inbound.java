package org.wsproxy.jsr356;

import java.nio.ByteBuffer;

import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;

import org.wsproxy.relay.Part;
import org.wsproxy.relay.Relay;
import org.wsproxy.relay.Side;

/**
 * What a session delivers, reported to its relay: text and binary parts as the API hands them
 * over, and pongs.
 * <p>
 * Owned by the session's delivery thread: a container delivers one session's messages one at a
 * time and publishes each delivery to the next.
 */
final class Inbound {

    private final Relay relay;
    private final Side side;
    /**
     * A high surrogate that ended the previous text part. A code point outside the BMP must not be
     * split between two parts: each part is encoded to UTF-8 on its own by the sending session, and
     * half a pair would become a replacement character.
     */
    private char carry;

    private Inbound(Relay relay, Side side) {
        this.relay = relay;
        this.side = side;
    }

    /** Registers the handlers of {@code session}, a leg on {@code side} of {@code relay}. */
    static void register(Session session, Relay relay, Side side) {
        Inbound inbound = new Inbound(relay, side);
        session.addMessageHandler(String.class, (MessageHandler.Partial<String>) inbound::text);
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) inbound::binary);
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) pong -> relay.heard(side));
    }

    void text(String part, boolean last) {
        String out = part;
        if (carry != 0) {
            out = carry + out;
            carry = 0;
        }
        if (!last && !out.isEmpty() && Character.isHighSurrogate(out.charAt(out.length() - 1))) {
            carry = out.charAt(out.length() - 1);
            out = out.substring(0, out.length() - 1);
        }
        relay.received(side, Part.text(out, last));
    }

    void binary(ByteBuffer part, boolean last) {
        relay.received(side, Part.binary(part, last));
    }
}
