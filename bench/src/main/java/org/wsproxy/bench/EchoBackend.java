package org.wsproxy.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's WebSocket backend, in its own JVM: {@code /echo} sends every frame back as it
 * arrives (streaming, so a 1 MiB message is never buffered whole), {@code /slow} reads at
 * {@value #SLOW_BYTES_PER_SECOND} bytes/s and discards what it reads (the slow consumer of scenario
 * f). Close frames are answered with the same code and reason, then the backend closes TCP (the
 * server closes first, RFC 6455 section 7.1.1), pings get pongs.
 *
 * <p>One selector thread. Every proxy under test talks to this same process, and the direct run
 * shows how fast it is on its own.
 *
 * <p>Usage: {@code EchoBackend <port file>}: listens on a free loopback port and writes it to the
 * file once it accepts connections.
 */
public final class EchoBackend {

    /** The slow consumer's pace: far below what any client can send, as in FlowControlTest. */
    static final int SLOW_BYTES_PER_SECOND = 1024 * 1024;

    /**
     * Per connection buffers. 16 KiB each way keeps 10,000 idle connections at 320 MiB of heap and
     * still moves a 1 MiB message in 64 reads; the direct run shows that is fast enough.
     */
    private static final int IN_BYTES = 16 * 1024;
    private static final int OUT_BYTES = 16 * 1024;
    /** A handshake request larger than this is refused: nothing in the benchmark sends one. */
    private static final int MAX_HEAD = IN_BYTES;

    private final Selector selector;
    private final ServerSocketChannel server;
    /** Slow connections waiting for their read budget; only the selector thread touches it. */
    private final List<Conn> paused = new ArrayList<>();

    private EchoBackend() throws IOException {
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", 0), 4096);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: EchoBackend <port file>");
            System.exit(2);
        }
        EchoBackend backend = new EchoBackend();
        int port = ((InetSocketAddress) backend.server.getLocalAddress()).getPort();
        java.nio.file.Path portFile = java.nio.file.Path.of(args[0]);
        java.nio.file.Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        java.nio.file.Files.writeString(tmp, Integer.toString(port));
        java.nio.file.Files.move(tmp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        backend.loop();
    }

    private void loop() throws IOException {
        long lastRefill = System.nanoTime();
        while (true) {
            selector.select(paused.isEmpty() ? 0 : 10);
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                if (!key.isValid()) {
                    continue;
                }
                if (key.isAcceptable()) {
                    accept();
                    continue;
                }
                Conn conn = (Conn) key.attachment();
                try {
                    if (key.isWritable()) {
                        conn.flush();
                    }
                    if (key.isValid() && key.isReadable()) {
                        conn.read();
                    }
                } catch (IOException e) {
                    conn.close();
                }
            }
            long now = System.nanoTime();
            long budget = (now - lastRefill) * SLOW_BYTES_PER_SECOND / 1_000_000_000L;
            if (budget > 0) {
                lastRefill = now;
                for (Conn conn : paused) {
                    conn.readBudget = Math.min(SLOW_BYTES_PER_SECOND / 10, conn.readBudget + budget);
                    if (conn.key.isValid()) {
                        conn.key.interestOps(conn.key.interestOps() | SelectionKey.OP_READ);
                    }
                }
                paused.clear();
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Conn conn = new Conn(ch);
            conn.key = ch.register(selector, SelectionKey.OP_READ, conn);
        }
    }

    /** One accepted connection. Only the selector thread touches it. */
    private final class Conn {
        final SocketChannel ch;
        SelectionKey key;
        final ByteBuffer in = ByteBuffer.allocate(IN_BYTES);   // fill mode
        final ByteBuffer out = ByteBuffer.allocate(OUT_BYTES); // fill mode
        boolean open;         // handshake done
        boolean slow;         // discards data at SLOW_BYTES_PER_SECOND
        long readBudget = Long.MAX_VALUE;
        boolean closing;      // close frame answered: close TCP once it is written

        // Frame in progress (client frames are always masked).
        boolean inPayload;
        boolean control;
        int opcode;
        long remaining;
        final byte[] mask = new byte[4];
        int maskPos;
        final byte[] controlPayload = new byte[125];
        int controlLength;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        void read() throws IOException {
            if (slow && readBudget <= 0) {
                pause();
                return;
            }
            if (slow) {
                in.limit((int) Math.min(in.capacity(), in.position() + readBudget));
            }
            int n = ch.read(in);
            in.limit(in.capacity());
            if (n < 0) {
                close();
                return;
            }
            if (slow) {
                readBudget -= n;
            }
            if (!open) {
                handshake();
            }
            if (open) {
                process();
                flush();
            }
        }

        private void pause() {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
            paused.add(this);
        }

        private void handshake() throws IOException {
            int end = WsFrames.endOfHead(in.array(), in.position());
            if (end < 0) {
                if (in.position() >= MAX_HEAD) {
                    close();
                }
                return;
            }
            String head = new String(in.array(), 0, end, StandardCharsets.ISO_8859_1);
            String key = null;
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("sec-websocket-key")) {
                    key = line.substring(colon + 1).trim();
                }
            }
            String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
            if (key == null || !(path.startsWith("/echo") || path.startsWith("/slow"))) {
                out.put("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                closing = true;
                in.clear();
                flush();
                return;
            }
            slow = path.startsWith("/slow");
            if (slow) {
                readBudget = SLOW_BYTES_PER_SECOND / 10;
            }
            out.put(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + WsFrames.acceptKey(key) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            open = true;
            in.flip().position(end);
            in.compact();
        }

        /** Echoes (or, when slow, discards) as much of {@code in} as {@code out} has room for. */
        private void process() throws IOException {
            byte[] src = in.array();
            int pos = 0;
            int limit = in.position();
            byte[] dst = out.array();
            while (!closing) {
                if (!inPayload) {
                    int available = limit - pos;
                    if (available < 2) {
                        break;
                    }
                    int b0 = src[pos] & 0xFF;
                    int b1 = src[pos + 1] & 0xFF;
                    int len7 = b1 & 0x7F;
                    int headerLength = (len7 < 126 ? 2 : len7 == 126 ? 4 : 10) + 4;
                    if (available < headerLength) {
                        break;
                    }
                    int op = b0 & 0x0F;
                    boolean isControl = op >= 0x8;
                    if (out.remaining() < (isControl ? 127 : 10)) {
                        break; // wait for the writer to make room
                    }
                    long length = len7 < 126 ? len7 : len7 == 126
                            ? ((src[pos + 2] & 0xFF) << 8) | (src[pos + 3] & 0xFF)
                            : ByteBuffer.wrap(src, pos + 2, 8).getLong();
                    System.arraycopy(src, pos + headerLength - 4, mask, 0, 4);
                    pos += headerLength;
                    opcode = op;
                    control = isControl;
                    remaining = length;
                    maskPos = 0;
                    controlLength = 0;
                    inPayload = true;
                    if (!isControl && !slow) {
                        WsFrames.putHeader(out, (b0 & 0x80) != 0, op, length, null);
                    }
                }
                int n = (int) Math.min(remaining, limit - pos);
                if (control) {
                    for (int i = 0; i < n; i++) {
                        controlPayload[controlLength++] = (byte) (src[pos + i] ^ mask[(maskPos + i) & 3]);
                    }
                } else if (!slow) {
                    n = Math.min(n, out.remaining());
                    int o = out.position();
                    for (int i = 0; i < n; i++) {
                        dst[o + i] = (byte) (src[pos + i] ^ mask[(maskPos + i) & 3]);
                    }
                    out.position(o + n);
                }
                pos += n;
                maskPos = (maskPos + n) & 3;
                remaining -= n;
                if (remaining > 0) {
                    break; // need more input, or more room in out
                }
                inPayload = false;
                if (control) {
                    if (opcode == WsFrames.OP_PING) {
                        WsFrames.putHeader(out, true, WsFrames.OP_PONG, controlLength, null);
                        out.put(controlPayload, 0, controlLength);
                    } else if (opcode == WsFrames.OP_CLOSE) {
                        WsFrames.putHeader(out, true, WsFrames.OP_CLOSE, controlLength, null);
                        out.put(controlPayload, 0, controlLength);
                        closing = true;
                    }
                }
            }
            in.flip().position(pos);
            in.compact();
        }

        void flush() throws IOException {
            out.flip();
            ch.write(out);
            out.compact();
            if (out.position() > 0) {
                key.interestOps(SelectionKey.OP_WRITE);
            } else if (closing) {
                close();
            } else {
                if (in.position() > 0) {
                    process();
                    if (out.position() > 0) {
                        flush();
                        return;
                    }
                }
                if (key.isValid() && (key.interestOps() & SelectionKey.OP_WRITE) != 0) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
        }

        void close() {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the connection is gone either way
            }
        }
    }
}
