package org.wsproxy.relay;

import java.io.IOException;
import java.nio.ByteBuffer;

import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;

/**
 * Moves the messages of one leg to the other, part by part, as the container delivers them.
 * <p>
 * Message boundaries are kept (the last part of a message is sent as the last part); fragment
 * boundaries are not. All fields are owned by the delivery thread of the source session: a
 * container delivers one session's messages one at a time and publishes each delivery to the next.
 */
final class Forwarder {

    private final Relay relay;
    private final Side from;
    /** The route's maxMessageSize in bytes, 0 for unlimited. */
    private final long maxMessageSize;
    /** What this direction passed on; this forwarder is its only writer. */
    private final Traffic traffic;

    /** Bytes of the current message so far, counted only when maxMessageSize is set. */
    private long messageBytes;
    /**
     * A high surrogate that ended the previous text part. A code point outside the BMP must not be
     * split between two parts: each part is encoded to UTF-8 on its own, and half a pair would
     * become a replacement character.
     */
    private char carry;

    Forwarder(Relay relay, Side from, long maxMessageSize, Traffic traffic) {
        this.relay = relay;
        this.from = from;
        this.maxMessageSize = maxMessageSize;
        this.traffic = traffic;
    }

    void register(Session session) {
        session.addMessageHandler(String.class, (MessageHandler.Partial<String>) this::onText);
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) this::onBinary);
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) pong -> relay.heard(from));
    }

    private void onText(String part, boolean last) {
        SessionSender to = relay.senderTowards(from.other());
        if (to == null) {
            return;
        }
        relay.messageFrom(from);
        String out = part;
        if (carry != 0) {
            out = carry + out;
            carry = 0;
        }
        if (!last && !out.isEmpty() && Character.isHighSurrogate(out.charAt(out.length() - 1))) {
            carry = out.charAt(out.length() - 1);
            out = out.substring(0, out.length() - 1);
        }
        // Measured on what is sent, with a split pair made whole: each half alone would count 3 bytes, the pair is 4.
        long partBytes = Utf8.length(out);
        if (maxMessageSize > 0 && tooBig(partBytes, last)) {
            return;
        }
        // Counted before the send: once the other leg has the part, it may answer with a close that
        // ends the relay, and the access log must not be written without it.
        traffic.passed(partBytes, last);
        try {
            to.sendText(out, last);
        } catch (IOException | RuntimeException e) {
            relay.sendFailed(from.other(), e);
        }
    }

    private void onBinary(ByteBuffer part, boolean last) {
        SessionSender to = relay.senderTowards(from.other());
        if (to == null) {
            return;
        }
        relay.messageFrom(from);
        // Read before the send, which consumes the buffer.
        int partBytes = part.remaining();
        if (maxMessageSize > 0 && tooBig(partBytes, last)) {
            return;
        }
        traffic.passed(partBytes, last);
        try {
            to.sendBinary(part, last);
        } catch (IOException | RuntimeException e) {
            relay.sendFailed(from.other(), e);
        }
    }

    private boolean tooBig(long partBytes, boolean last) {
        messageBytes += partBytes;
        if (messageBytes > maxMessageSize) {
            relay.tooBig(from, messageBytes);
            return true;
        }
        if (last) {
            messageBytes = 0;
        }
        return false;
    }
}
