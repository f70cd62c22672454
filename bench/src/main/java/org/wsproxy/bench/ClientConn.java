package org.wsproxy.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * One load-generator WebSocket connection: handshake, frames in (parsed, payload skipped without
 * being copied), whole pre-built frames out. Only the {@link LoadLoop} thread touches it.
 */
final class ClientConn {

    enum State { CONNECTING, HANDSHAKING, OPEN, CLOSE_SENT, CLOSE_RECEIVED, CLOSED }

    /** Longest handshake response accepted; a larger one is a broken peer. */
    private static final int MAX_HEAD = 8192;
    private static final int MAX_GATHER = 64;

    final LoadLoop loop;
    final SocketChannel ch;
    final SelectionKey key;
    final Workload workload;
    State state = State.CONNECTING;
    /** Workload-owned: per-connection send timestamps and schedule. */
    final LongRing sent;
    long nextDue;
    /** The workload's number for this connection. */
    int index;
    int closeCode = -1;
    long connectedAt;

    private final String request;
    private final ArrayDeque<ByteBuffer> writes = new ArrayDeque<>();
    private final ByteBuffer[] gather = new ByteBuffer[MAX_GATHER];
    private byte[] head = new byte[256];
    private int headLength;

    // Frame being parsed (server frames are never masked).
    private final byte[] stash = new byte[10];
    private int stashLength;
    private boolean inPayload;
    private int opcode;
    private boolean fin;
    private long remaining;
    private final byte[] control = new byte[125];
    private int controlLength;

    ClientConn(LoadLoop loop, InetSocketAddress address, String path, Workload workload) throws IOException {
        this.loop = loop;
        this.workload = workload;
        this.sent = new LongRing(workload.maxInFlight());
        this.request = "GET " + path + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        ch = SocketChannel.open();
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        connectedAt = System.nanoTime();
        if (ch.connect(address)) {
            key = ch.register(loop.selector, SelectionKey.OP_READ, this);
            connected();
        } else {
            key = ch.register(loop.selector, SelectionKey.OP_CONNECT, this);
        }
    }

    void ready() throws IOException {
        if (key.isConnectable()) {
            ch.finishConnect();
            key.interestOps(SelectionKey.OP_READ);
            connected();
        }
        if (key.isValid() && key.isWritable()) {
            flush();
            if (writes.isEmpty() && state == State.OPEN) {
                workload.onWritable(this);
            }
        }
        if (key.isValid() && key.isReadable()) {
            read();
        }
    }

    private void connected() throws IOException {
        state = State.HANDSHAKING;
        send(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** Queues a frame (a shared buffer is fine: it is duplicated) and writes what the socket takes. */
    void send(ByteBuffer frame) throws IOException {
        writes.add(frame.duplicate());
        if (writes.size() == 1) {
            flush();
        }
    }

    /** Queues without writing; {@link #flush()} writes them in one system call. */
    void queue(ByteBuffer frame) {
        writes.add(frame.duplicate());
    }

    boolean writesPending() {
        return !writes.isEmpty();
    }

    void flush() throws IOException {
        while (!writes.isEmpty()) {
            int n = 0;
            for (ByteBuffer b : writes) {
                gather[n++] = b;
                if (n == MAX_GATHER) {
                    break;
                }
            }
            ch.write(gather, 0, n);
            int done = 0;
            while (!writes.isEmpty() && !writes.peek().hasRemaining()) {
                writes.poll();
                done++;
            }
            if (done < n) {
                break; // the socket's send buffer is full: OP_WRITE resumes
            }
        }
        if (!key.isValid()) {
            return;
        }
        int ops = key.interestOps();
        int wanted = writes.isEmpty() ? ops & ~SelectionKey.OP_WRITE : ops | SelectionKey.OP_WRITE;
        if (wanted != ops) {
            key.interestOps(wanted);
        }
    }

    void sendClose(int code) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(8);
        WsFrames.putHeader(frame, true, WsFrames.OP_CLOSE, 2, new byte[4]);
        frame.putShort((short) code);
        send(frame.flip());
        state = State.CLOSE_SENT;
    }

    private void read() throws IOException {
        ByteBuffer buf = loop.readBuffer;
        buf.clear();
        int n = ch.read(buf);
        if (n < 0) {
            closed();
            return;
        }
        buf.flip();
        if (state == State.HANDSHAKING && !handshake(buf)) {
            return;
        }
        parse(buf);
        if (!writes.isEmpty() && state != State.CLOSED) {
            flush(); // everything the workload queued while reading goes in one write
        }
    }

    private boolean handshake(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (headLength == head.length) {
                if (head.length >= MAX_HEAD) {
                    fail("handshake response larger than " + MAX_HEAD + " bytes");
                    return false;
                }
                head = java.util.Arrays.copyOf(head, head.length * 2);
            }
            head[headLength++] = buf.get();
            if (WsFrames.endOfHead(head, headLength) == headLength) {
                String status = new String(head, 0, Math.min(headLength, 12), StandardCharsets.ISO_8859_1);
                if (!status.equals("HTTP/1.1 101")) {
                    fail("handshake answered " + new String(head, 0, headLength, StandardCharsets.ISO_8859_1).lines().findFirst().orElse(""));
                    return false;
                }
                head = null;
                state = State.OPEN;
                workload.onOpen(this);
                return true;
            }
        }
        return false;
    }

    private void parse(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining() || (inPayload && remaining == 0)) {
            if (!inPayload) {
                if (!header(buf)) {
                    return;
                }
            }
            if (opcode >= 0x8) {
                int n = (int) Math.min(remaining, buf.remaining());
                buf.get(control, controlLength, n);
                controlLength += n;
                remaining -= n;
            } else {
                int n = (int) Math.min(remaining, buf.remaining());
                buf.position(buf.position() + n);
                remaining -= n;
                workload.onBytes(this, n);
            }
            if (remaining > 0) {
                return;
            }
            inPayload = false;
            if (opcode == WsFrames.OP_CLOSE) {
                closeCode = controlLength >= 2 ? ((control[0] & 0xFF) << 8) | (control[1] & 0xFF) : 1005;
                if (state == State.OPEN) {
                    sendClose(closeCode == 1005 ? 1000 : closeCode);
                }
                state = State.CLOSE_RECEIVED; // the server closes TCP now: wait for its FIN
                return;
            } else if (opcode == WsFrames.OP_PING) {
                ByteBuffer pong = ByteBuffer.allocate(6 + controlLength);
                byte[] mask = new byte[4];
                WsFrames.putHeader(pong, true, WsFrames.OP_PONG, controlLength, mask);
                pong.put(control, 0, controlLength);
                send(pong.flip());
            } else if (opcode < 0x8 && fin) {
                workload.onMessage(this, loop.now());
                if (state == State.CLOSED) {
                    return;
                }
            }
        }
    }

    /** Reads a frame header, possibly split across reads. */
    private boolean header(ByteBuffer buf) {
        while (stashLength < 2 && buf.hasRemaining()) {
            stash[stashLength++] = buf.get();
        }
        if (stashLength < 2) {
            return false;
        }
        int len7 = stash[1] & 0x7F;
        int need = len7 < 126 ? 2 : len7 == 126 ? 4 : 10;
        while (stashLength < need && buf.hasRemaining()) {
            stash[stashLength++] = buf.get();
        }
        if (stashLength < need) {
            return false;
        }
        fin = (stash[0] & 0x80) != 0;
        int op = stash[0] & 0x0F;
        if (op != WsFrames.OP_CONTINUATION) {
            opcode = op;
        }
        if (op >= 0x8) {
            opcode = op;
            controlLength = 0;
        }
        remaining = len7 < 126 ? len7 : len7 == 126
                ? ((stash[2] & 0xFF) << 8) | (stash[3] & 0xFF)
                : ByteBuffer.wrap(stash, 2, 8).getLong();
        stashLength = 0;
        inPayload = true;
        return true;
    }

    private void fail(String why) throws IOException {
        loop.failure(this, why);
        closed();
    }

    void closed() throws IOException {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        key.cancel();
        ch.close();
        workload.onClosed(this);
    }

    /** A fixed-capacity FIFO of longs: the send times of the messages in flight, in order. */
    static final class LongRing {
        private final long[] values;
        private int head;
        private int size;

        LongRing(int capacity) {
            values = new long[capacity];
        }

        boolean offer(long v) {
            if (size == values.length) {
                return false;
            }
            values[(head + size++) % values.length] = v;
            return true;
        }

        long poll() {
            if (size == 0) {
                return -1;
            }
            long v = values[head];
            head = (head + 1) % values.length;
            size--;
            return v;
        }

        int size() {
            return size;
        }

        void clear() {
            head = 0;
            size = 0;
        }
    }
}
