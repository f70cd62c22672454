package org.wsproxy.backend;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import org.glassfish.tyrus.core.ProtocolException;
import org.glassfish.tyrus.core.extension.ExtendedExtension;
import org.glassfish.tyrus.core.frame.Frame;

/**
 * permessage-deflate (RFC 7692) for the backend leg.
 * <p>
 * Tyrus's own extension (tyrus-extension-deflate) assumes every message is one frame: it sets RSV1
 * on continuation frames and strips the deflate tail from every fragment, and it inflates the
 * continuation frames of uncompressed messages. wsproxy forwards messages part by part, so most
 * large messages are fragmented, and the backend would see corrupt data. This one follows the RFC:
 * RSV1 only on a message's first frame, the tail removed (outgoing) or added (incoming) only at its
 * end, continuation frames treated as their message was.
 * <p>
 * It offers {@code client_no_context_takeover; server_no_context_takeover}: each message is
 * compressed on its own, so a connection keeps no dictionary between messages (less memory per
 * connection, no state to get wrong across messages). If the backend declines
 * server_no_context_takeover, its messages are inflated with context takeover, as it then may use it.
 * <p>
 * State lives in the per-connection {@link ExtensionContext}; Tyrus processes one connection's
 * incoming frames on one thread at a time and its outgoing frames under the session's send lock.
 */
final class PerMessageDeflate implements ExtendedExtension {

    static final String NAME = "permessage-deflate";

    /** RFC 7692 section 7.2.1: the end of a message's compressed data, removed on the wire. */
    private static final byte[] TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};

    /**
     * Largest payload one incoming frame may inflate to, the same cap as an uncompressed backend
     * frame: a small compressed frame may otherwise claim gigabytes (a compression bomb).
     */
    private static final int MAX_INFLATED_FRAME_BYTES = BackendConnector.MAX_BACKEND_FRAME_BYTES;

    private static final String DEFLATER = "org.wsproxy.deflater";
    private static final String INFLATER = "org.wsproxy.inflater";
    private static final String INFLATE_RESET = "org.wsproxy.inflateReset";
    private static final String IN_COMPRESSED = "org.wsproxy.inCompressedMessage";
    private static final String OUT_STARTED = "org.wsproxy.outMessageStarted";

    private static final List<Parameter> OFFER = List.of(parameter("client_no_context_takeover"),
            parameter("server_no_context_takeover"));

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public List<Parameter> getParameters() {
        return OFFER;
    }

    /** Server side only; wsproxy uses this extension as a client. */
    @Override
    public List<Parameter> onExtensionNegotiation(ExtensionContext context, List<Parameter> requestedParameters) {
        return null;
    }

    @Override
    public void onHandshakeResponse(ExtensionContext context, List<Parameter> responseParameters) {
        boolean serverResets = responseParameters.stream().anyMatch(p -> p.getName().equals("server_no_context_takeover"));
        context.getProperties().put(INFLATE_RESET, serverResets);
        context.getProperties().put(DEFLATER, new Deflater(Deflater.DEFAULT_COMPRESSION, true));
        context.getProperties().put(INFLATER, new Inflater(true));
        context.getProperties().put(IN_COMPRESSED, false);
        context.getProperties().put(OUT_STARTED, false);
    }

    @Override
    public Frame processOutgoing(ExtensionContext context, Frame frame) {
        if (frame.isControlFrame()) {
            return frame;
        }
        Deflater deflater = (Deflater) context.getProperties().get(DEFLATER);
        boolean first = !(Boolean) context.getProperties().get(OUT_STARTED);
        if (first) {
            deflater.reset();
        }
        deflater.setInput(frame.getPayloadData(), 0, (int) frame.getPayloadLength());
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(frame.getPayloadLength() + 64, 1 << 16));
        byte[] buffer = new byte[8192];
        int n;
        do {
            // A sync flush is complete once it leaves room in the buffer.
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
            out.write(buffer, 0, n);
        } while (n == buffer.length);
        byte[] compressed = out.toByteArray();
        int length = compressed.length;
        if (frame.isFin() && endsWithTail(compressed)) {
            length -= TAIL.length;
        }
        context.getProperties().put(OUT_STARTED, !frame.isFin());
        return Frame.builder(frame).payloadData(compressed).payloadLength(length).rsv1(first).build();
    }

    @Override
    public Frame processIncoming(ExtensionContext context, Frame frame) {
        if (frame.isControlFrame()) {
            return frame;
        }
        boolean compressed;
        if (frame.getOpcode() == 0x00) {
            compressed = (Boolean) context.getProperties().get(IN_COMPRESSED);
        } else {
            compressed = frame.isRsv1();
            context.getProperties().put(IN_COMPRESSED, compressed);
        }
        if (!compressed) {
            return frame;
        }
        Inflater inflater = (Inflater) context.getProperties().get(INFLATER);
        if (frame.getOpcode() != 0x00 && (Boolean) context.getProperties().get(INFLATE_RESET)) {
            inflater.reset();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(frame.getPayloadLength() * 4 + 64, 1 << 20));
        inflate(inflater, frame.getPayloadData(), (int) frame.getPayloadLength(), out);
        if (frame.isFin()) {
            inflate(inflater, TAIL, TAIL.length, out);
            context.getProperties().put(IN_COMPRESSED, false);
        }
        byte[] plain = out.toByteArray();
        return Frame.builder(frame).payloadData(plain).payloadLength(plain.length).rsv1(false).build();
    }

    private static void inflate(Inflater inflater, byte[] data, int length, ByteArrayOutputStream out) {
        inflater.setInput(data, 0, length);
        byte[] buffer = new byte[8192];
        try {
            while (true) {
                int n = inflater.inflate(buffer);
                if (n > 0) {
                    out.write(buffer, 0, n);
                    if (out.size() > MAX_INFLATED_FRAME_BYTES) {
                        throw new ProtocolException("compressed frame inflates past " + MAX_INFLATED_FRAME_BYTES + " bytes");
                    }
                } else if (inflater.needsInput() || inflater.finished() || inflater.needsDictionary()) {
                    return;
                }
            }
        } catch (DataFormatException e) {
            throw new ProtocolException("invalid permessage-deflate data: " + e.getMessage());
        }
    }

    private static boolean endsWithTail(byte[] data) {
        int n = data.length;
        return n >= 4 && data[n - 4] == TAIL[0] && data[n - 3] == TAIL[1] && data[n - 2] == TAIL[2] && data[n - 1] == TAIL[3];
    }

    @Override
    public void destroy(ExtensionContext context) {
        // Deflater and Inflater hold native zlib memory until end() or finalization.
        Object deflater = context.getProperties().remove(DEFLATER);
        if (deflater instanceof Deflater d) {
            d.end();
        }
        Object inflater = context.getProperties().remove(INFLATER);
        if (inflater instanceof Inflater i) {
            i.end();
        }
    }

    private static Parameter parameter(String name) {
        return new Parameter() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public String getValue() {
                return null;
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
