package org.wsproxy.http;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.wsproxy.upstream.BackendFailure;
import org.wsproxy.upstream.BackendTls;
import org.wsproxy.upstream.ResponseHead;
import org.wsproxy.upstream.Dialer;

/**
 * One HTTP request relayed to a backend and its response relayed back, both bodies streamed: the
 * request body as the container's non-blocking input delivers it, the response body as the backend
 * sends it, each read only while the other side takes what the last read brought, so that at most
 * one buffer per direction is held, a slow client slows the backend read, and no thread waits.
 * <p>
 * Threads: the request pump ({@link #pumpRequest}) runs on whichever thread has something for it
 * (the container's read callbacks, the loop when the backend socket takes more), one at a time
 * ({@link #pumpingRequest}); the response pump ({@link #pumpResponse}) runs on the upstream's loop
 * thread only (a container's write callback hands over to it). Neither holds a lock while it calls
 * the container. The fields below say which pump owns them; {@link #finished} is shared.
 */
final class Exchange implements Upstream.Listener, ReadListener, WriteListener, AsyncListener {

    private static final Logger LOG = System.getLogger(Exchange.class.getName());

    /** The request attribute of an asynchronous dispatch that must fail (see {@link HttpRoute#abortReason}). */
    static final String ABORT_ATTRIBUTE = "org.wsproxy.http.abort";

    /** Bytes read at a time from the client and from the backend: one buffer per direction and request. */
    static final int BUFFER_SIZE = 16 * 1024;
    /**
     * The longest response head taken: real ones are a few KiB (cookies included); a backend sending
     * more is broken or hostile, and wsproxy does not buffer it without end (nginx's
     * proxy_buffer_size is 4-8 KiB; this leaves room for large cookies).
     */
    static final int MAX_HEAD_BYTES = 64 * 1024;

    /** Response headers that describe the backend's connection, not the response (RFC 9110 section 7.6.1). */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "transfer-encoding", "upgrade", "content-length", "proxy-authenticate");

    private final HttpRoute route;
    private final AsyncContext async;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final List<Target> targets;
    private final String clientBase;
    private final String client;
    private final Instant started = Instant.now();
    private final long startNanos = System.nanoTime();

    // Set by start() and connect() before the pumps run; read by both.
    private volatile int next;
    private volatile Target target;
    private volatile Upstream upstream;
    private ServletInputStream in;
    private ServletOutputStream out;
    /** Set once {@link #out} has its WriteListener (its writes are non-blocking from then on). */
    private volatile boolean outNonBlocking;

    /** True once the exchange ended (answered, cut short, or the client went away). Shared. */
    private final AtomicBoolean finished = new AtomicBoolean();
    /**
     * The request's method, and its path with the query, read on the container thread: asked on
     * the loop thread where the exchange ends, Open Liberty answered another request's URI (the
     * access log of a LibertyIT run named Socket.IO's path for other requests' POSTs).
     */
    private final String method;
    private final String path;

    // The request pump's.
    private final AtomicBoolean pumpingRequest = new AtomicBoolean();
    private volatile boolean pumpRequestAgain;
    /** Bytes waiting to go to the backend (the head, then body pieces), null while none. */
    private ByteBuffer toBackend;
    private byte[] requestBuffer;
    /** Body bytes read from the client so far; also what allows a retry (none read yet). */
    private volatile long bodyBytes;
    private volatile boolean bodyEnded;
    /** True once a chunked body's last chunk is on its way. */
    private boolean lastChunkQueued;
    /** True once every byte of the request went to the backend. */
    private volatile boolean requestSent;
    /** The body is read with blocking reads on the container's pool ({@link HttpRoute#readsBodiesBlocking}). */
    private final boolean blockingReads;

    // The response pump's (loop thread).
    private ByteBuffer fromBackend;
    private ResponseHead head;
    private BodyFraming framing;
    private boolean wroteSinceFlush;
    /** True while the response pump waits for the client to take more (onWritePossible resumes it). */
    private volatile boolean waitingForClient;
    /** When the backend last sent something, or the request was sent ({@link System#nanoTime()}). */
    private volatile long lastHeard;
    private volatile int status;
    private volatile long outBytes;
    private volatile boolean headSent;
    /** The pending readTimeout check; set by whichever thread schedules the next one. */
    private volatile ScheduledFuture<?> readTimer;

    Exchange(HttpRoute route, AsyncContext async, HttpServletRequest request, HttpServletResponse response,
             List<Target> targets, String clientBase, String client) {
        this.method = request.getMethod();
        String query = request.getQueryString();
        this.path = request.getRequestURI() + (query == null ? "" : "?" + query);
        this.route = route;
        this.blockingReads = route.blockingBodyReads;
        this.async = async;
        this.request = request;
        this.response = response;
        this.targets = targets;
        this.clientBase = clientBase;
        this.client = client;
    }

    /** On the container thread that started the request. */
    void start() {
        async.addListener(this);
        try {
            out = response.getOutputStream();
            if (targets.get(0).request().bodyLength() != BackendRequest.NO_BODY) {
                in = request.getInputStream();
            }
        } catch (IOException e) {
            clientGone(e);
            return;
        }
        if (!connect() || !prepare()) {
            return;
        }
        // The listeners are set once, after the first connection and once the head waits to go out:
        // a container may call them at once, on this thread or another.
        out.setWriteListener(this);
        outNonBlocking = true;
        if (in != null && !blockingReads) {
            in.setReadListener(this);
        }
        begin();
    }

    /**
     * Connects to the next target that takes a connection (a pooled one first); on the calling
     * thread, within connectTimeout per backend. When none does, the client gets the last failure.
     *
     * @return true when connected
     */
    private boolean connect() {
        BackendFailure failure = null;
        while (next < targets.size()) {
            Target candidate = targets.get(next++);
            URI uri = candidate.request().uri();
            String host = Dialer.hostOf(uri);
            boolean secure = "https".equals(uri.getScheme());
            int port = uri.getPort() != -1 ? uri.getPort() : secure ? 443 : 80;
            String key = uri.getScheme() + "://" + host + ":" + port;
            Upstream taken = route.pool.take(key);
            if (taken == null) {
                try {
                    BackendTls tls = secure ? route.tls.get() : null;
                    Dialer.Opened opened = route.dialer.open(host, port, tls, route.connectTimeout);
                    taken = new Upstream(key, opened.channel(), opened.tls(), route.loops.next());
                    candidate.backend().succeeded();
                } catch (BackendFailure e) {
                    if (e.backendFailed()) {
                        candidate.backend().failed(e.getMessage());
                    }
                    failure = e;
                    continue;
                } catch (IOException e) {
                    failure = new BackendFailure(BackendFailure.BAD_GATEWAY, "backend connection failed: "
                            + BackendFailure.describe(e), e, true);
                    continue;
                }
            }
            target = candidate;
            upstream = taken;
            taken.serve(this);
            return true;
        }
        BackendFailure last = failure;
        LOG.log(Level.WARNING, () -> "route [" + route.name + "]: " + method + " " + path
                + ": " + (last == null ? "no backend" : last.getMessage()));
        answer(last == null ? BackendFailure.BAD_GATEWAY : last.status(), last == null ? "no backend" : last.getMessage());
        return false;
    }

    /**
     * The connection is made: the head waits to go out, nothing of the response is known yet.
     *
     * @return false when the request cannot be sent (answered here)
     */
    private boolean prepare() {
        try {
            toBackend = ByteBuffer.wrap(target.request().headBytes());
        } catch (IllegalArgumentException e) {
            upstream.close();
            answer(400, "request cannot be forwarded: " + e.getMessage());
            return false;
        }
        requestSent = false;
        bodyEnded = in == null;
        // A retry (an idempotent request with no body read yet) sends its last chunk again.
        lastChunkQueued = false;
        lastHeard = System.nanoTime();
        fromBackend = ByteBuffer.allocate(BUFFER_SIZE).flip();
        head = null;
        return true;
    }

    /** The head goes out, the body follows, the backend is read. */
    private void begin() {
        upstream.watchReads(true);
        scheduleReadCheck(route.readTimeout.toNanos());
        pumpRequest();
    }

    // ---- client to backend

    @Override
    public void onDataAvailable() {
        pumpRequest();
    }

    @Override
    public void onAllDataRead() {
        pumpRequest();
    }

    /** Any thread; one at a time, and a call made while another runs makes that one go round again. */
    private void pumpRequest() {
        if (blockingReads && !bodyEnded) {
            // Never a blocking read on a loop thread or the request's own: on the container's pool.
            try {
                async.start(this::pumpRequestNow);
            } catch (IllegalStateException e) {
                // completed meanwhile: nothing more to send
            }
            return;
        }
        pumpRequestNow();
    }

    private void pumpRequestNow() {
        pumpRequestAgain = true;
        while (pumpRequestAgain && pumpingRequest.compareAndSet(false, true)) {
            pumpRequestAgain = false;
            try {
                pumpRequestOnce();
            } finally {
                pumpingRequest.set(false);
            }
        }
    }

    private void pumpRequestOnce() {
        Upstream up = upstream;
        while (!finished.get() && !requestSent) {
            if (toBackend != null && toBackend.hasRemaining()) {
                try {
                    if (!up.write(toBackend)) {
                        return; // writable() goes on
                    }
                } catch (IOException e) {
                    backendFailed("writing the request to the backend failed: " + BackendFailure.describe(e));
                    return;
                }
            }
            boolean chunked = target.request().bodyLength() == BackendRequest.CHUNKED;
            if (bodyEnded) {
                if (chunked && !lastChunkQueued) {
                    lastChunkQueued = true;
                    toBackend = ByteBuffer.wrap("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    continue;
                }
                requestSent = true;
                return;
            }
            long length = target.request().bodyLength();
            if (length >= 0 && bodyBytes >= length) {
                bodyEnded = true; // all of a known length: no container need say so
                continue;
            }
            ServletInputStream stream = in;
            int n;
            try {
                if (!blockingReads && !stream.isReady()) {
                    // Asked only now: GlassFish's isFinished() says true once the body has arrived,
                    // before it was read.
                    if (stream.isFinished()) {
                        bodyEnded = true;
                        continue;
                    }
                    return; // onDataAvailable goes on
                }
                if (requestBuffer == null) {
                    requestBuffer = new byte[BUFFER_SIZE];
                }
                n = stream.read(requestBuffer);
            } catch (IOException | IllegalStateException e) {
                clientGone(e);
                return;
            }
            if (n < 0) {
                bodyEnded = true;
                continue;
            }
            if (n == 0) {
                continue;
            }
            bodyBytes += n;
            if (route.maxBodySize > 0 && bodyBytes > route.maxBodySize) {
                tooLarge();
                return;
            }
            if (chunked) {
                byte[] size = (Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
                ByteBuffer chunk = ByteBuffer.allocate(size.length + n + 2);
                chunk.put(size).put(requestBuffer, 0, n).put((byte) '\r').put((byte) '\n').flip();
                toBackend = chunk;
            } else {
                toBackend = ByteBuffer.wrap(requestBuffer, 0, n);
            }
        }
    }

    /** The body went past maxBodySize: 413 while nothing was answered, else the response is cut short. */
    private void tooLarge() {
        LOG.log(Level.DEBUG, () -> "route [" + route.name + "]: request body over maxBodySize [" + route.maxBodySize + "]");
        Upstream up = upstream;
        if (up != null) {
            up.close();
        }
        if (headSent) {
            abort("request body over maxBodySize");
        } else {
            answer(413, "request body larger than maxBodySize (" + route.maxBodySize + " bytes)");
        }
    }

    // ---- backend to client (loop thread)

    @Override
    public void readable() {
        pumpResponse();
    }

    @Override
    public void writable() {
        pumpRequest();
    }

    @Override
    public void closed() {
        pumpResponse();
    }

    @Override
    public void onWritePossible() {
        Upstream up = upstream;
        if (waitingForClient && finished.get() && reported.get()) {
            // The response is whole and its last write is out.
            waitingForClient = false;
            completeQuietly();
            return;
        }
        if (waitingForClient && up != null) {
            up.loop().execute(() -> {
                waitingForClient = false;
                lastHeard = System.nanoTime();
                up.readInterest(true);
                pumpResponse();
            });
        }
    }

    private void pumpResponse() {
        if (finished.get() || waitingForClient) {
            return;
        }
        try {
            while (!finished.get()) {
                if (head == null) {
                    if (!readHead()) {
                        return;
                    }
                    continue;
                }
                if (framing.done()) {
                    finish();
                    return;
                }
                int n = framing.data(fromBackend);
                if (n > 0) {
                    // Published before asking: onWritePossible may come on another thread as soon as
                    // isReady() says no, and must find the pump waiting (asked first, the pump could
                    // miss it and wait for good).
                    waitingForClient = true;
                    if (!out.isReady()) {
                        upstream.readInterest(false);
                        return;
                    }
                    waitingForClient = false;
                    out.write(fromBackend.array(), fromBackend.arrayOffset() + fromBackend.position(), n);
                    fromBackend.position(fromBackend.position() + n);
                    framing.consumed(n);
                    outBytes += n;
                    wroteSinceFlush = true;
                    continue;
                }
                if (framing.done()) {
                    continue;
                }
                int read = readBackend();
                if (read < 0) {
                    if (framing.closedIsEnd()) {
                        finish();
                    } else {
                        abort("backend closed the connection before the end of its response body");
                    }
                    return;
                }
                if (read == 0) {
                    return;
                }
            }
        } catch (BodyFraming.Broken e) {
            abort("backend's response body is malformed: " + e.getMessage());
        } catch (IOException | IllegalStateException e) {
            clientGone(e);
        }
    }

    /**
     * Reads until the head is complete and sends it on.
     *
     * @return true when the head was taken (or an interim one skipped), false to wait for the backend
     */
    private boolean readHead() throws IOException, BodyFraming.Broken {
        int end = headEnd(fromBackend);
        if (end < 0) {
            if (fromBackend.position() == 0 && fromBackend.limit() == fromBackend.capacity()) {
                // The buffer holds nothing but an unfinished head.
                if (fromBackend.capacity() >= MAX_HEAD_BYTES) {
                    backendFailed("backend's response head is larger than " + MAX_HEAD_BYTES + " bytes");
                    return false;
                }
                ByteBuffer larger = ByteBuffer.allocate(Math.min(MAX_HEAD_BYTES, fromBackend.capacity() * 2));
                larger.put(fromBackend).flip();
                fromBackend = larger;
            }
            int read = readBackend();
            if (read < 0) {
                backendFailed("backend closed the connection before it answered");
                return false;
            }
            return read > 0;
        }
        ResponseHead parsed;
        try {
            parsed = ResponseHead.parse(fromBackend.array(), fromBackend.arrayOffset() + fromBackend.position(), end, true);
        } catch (ResponseHead.Malformed e) {
            backendFailed("backend's response is not HTTP: " + e.getMessage());
            return false;
        }
        fromBackend.position(fromBackend.position() + end + 4);
        if (parsed.status() == 101) {
            backendFailed("backend switched protocols on a request that asked for no upgrade");
            return false;
        }
        if (parsed.status() < 200) {
            return true; // an interim answer (100 Continue, 103 Early Hints): the final one follows
        }
        BodyFraming body;
        try {
            body = BodyFraming.of(parsed, target.request().head());
        } catch (BodyFraming.Broken e) {
            backendFailed("backend's response framing is not relayed: " + e.getMessage());
            return false;
        }
        head = parsed;
        framing = body;
        sendHead(parsed, body);
        return true;
    }

    /** The index of the CRLFCRLF that ends the head in {@code buffer}'s remaining bytes, or -1. */
    private static int headEnd(ByteBuffer buffer) {
        byte[] a = buffer.array();
        int from = buffer.arrayOffset() + buffer.position();
        int to = buffer.arrayOffset() + buffer.limit();
        for (int i = from; i + 3 < to; i++) {
            if (a[i] == '\r' && a[i + 1] == '\n' && a[i + 2] == '\r' && a[i + 3] == '\n') {
                return i - from;
            }
        }
        return -1;
    }

    /**
     * @return bytes read, 0 for none now (the loop, or onWritePossible, calls again when there
     *         are), -1 at the end
     */
    private int readBackend() throws IOException {
        if (wroteSinceFlush) {
            // Before waiting on the backend, what it sent so far goes out: a long poll's answer or a
            // Server-Sent Event must not wait in the container's buffer for the next one. While the
            // container cannot take the flush, it is owed: onWritePossible comes back here (skipped,
            // the tail of a SockJS stream's 100 KiB message stayed in Tomcat's buffer).
            waitingForClient = true;
            if (!out.isReady()) {
                upstream.readInterest(false);
                return 0;
            }
            waitingForClient = false;
            wroteSinceFlush = false;
            out.flush();
        }
        fromBackend.compact();
        int n;
        try {
            n = upstream.read(fromBackend);
        } catch (IOException e) {
            // A reset or a broken TLS record: for the response, the same as the connection's end.
            n = -1;
        }
        fromBackend.flip();
        if (n > 0) {
            lastHeard = System.nanoTime();
        }
        return n;
    }

    private void sendHead(ResponseHead parsed, BodyFraming body) {
        Set<String> named = new HashSet<>();
        parsed.tokens("Connection").forEach(token -> named.add(token.toLowerCase(Locale.ROOT)));
        response.setStatus(parsed.status());
        for (ResponseHead.Field field : parsed.fields()) {
            String lower = field.name().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(lower) || named.contains(lower)) {
                continue;
            }
            String value = field.value();
            if (lower.equals("location") || lower.equals("content-location")) {
                value = Locations.rewrite(value, target.base(), clientBase);
            }
            response.addHeader(field.name(), value);
        }
        if (body.length() >= 0) {
            response.setContentLengthLong(body.length());
        } else if (target.request().head() || parsed.status() == 304) {
            for (String length : parsed.values("Content-Length")) {
                response.addHeader("Content-Length", length);
            }
        }
        if (target.setCookie() != null) {
            response.addHeader("Set-Cookie", target.setCookie());
        }
        status = parsed.status();
        headSent = true;
    }

    // ---- ends

    /** The response ended as the backend framed it. Loop thread. */
    private void finish() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        cancelTimer();
        Upstream up = upstream;
        boolean reusable = head.http11() && head.tokens("Connection").stream().noneMatch("close"::equalsIgnoreCase)
                && !framing.untilClose()
                && requestSent && !fromBackend.hasRemaining();
        if (reusable) {
            route.pool.give(up);
        } else {
            up.close();
        }
        // complete() only once the last write is out: called while it is pending (isReady() said
        // no), it raced the container's own flushing of it on another thread and garbled the end
        // of a 5 MiB response. onWritePossible completes then.
        report(true);
        waitingForClient = true;
        try {
            if (out.isReady()) {
                // Committed here, not by complete(): GlassFish's complete() sends a response that
                // nothing has committed yet with status 200, whatever setStatus said (a chunked 404
                // that arrived whole, a 204, a Content-Length: 0), while a response committed by a
                // write or a flush keeps its status.
                out.flush();
                if (out.isReady()) {
                    waitingForClient = false;
                    completeQuietly();
                }
            }
        } catch (IOException e) {
            // The client went away; the exchange was reported whole, as the backend framed it.
            completeQuietly();
        }
    }

    /**
     * The backend failed before its head: another backend (or a new connection) is tried when the
     * request may be sent again, else the client gets 502; after the head, the response is cut short.
     */
    private void backendFailed(String why) {
        Upstream up = upstream;
        if (up != null) {
            up.close();
        }
        if (headSent) {
            abort(why);
            return;
        }
        boolean again = target.request().idempotent() && bodyBytes == 0;
        if (again && (up != null && up.reused)) {
            // A kept-alive connection the backend was closing: the same backend on a new connection.
            next--;
        }
        if (again && next < targets.size() && !finished.get()) {
            LOG.log(Level.DEBUG, () -> "route [" + route.name + "]: " + why + "; trying again");
            cancelTimer();
            async.start(() -> {
                if (connect() && prepare()) {
                    begin();
                }
            });
            return;
        }
        LOG.log(Level.WARNING, () -> "route [" + route.name + "]: " + method + " " + path
                + ": " + why);
        if (target != null && up != null && !up.reused) {
            target.backend().failed(why);
        }
        answer(BackendFailure.BAD_GATEWAY, why);
    }

    /** The response started and cannot be completed: the client must see it end early ({@link ClientAbort}). */
    private void abort(String why) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        cancelTimer();
        Upstream up = upstream;
        if (up != null) {
            up.close();
        }
        LOG.log(Level.WARNING, () -> "route [" + route.name + "]: " + method + " " + path
                + ": response cut short: " + why);
        if (!response.isCommitted()) {
            // Nothing reached the client yet: it gets a clear 502 rather than a broken connection.
            response.reset();
            writeAnswer(BackendFailure.BAD_GATEWAY, why);
            report(false);
            completeQuietly();
            return;
        }
        report(false);
        ClientAbort.abort(request, async, why);
    }

    /** The client went away (or its stream failed): the backend connection is dropped. */
    private void clientGone(Throwable e) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        LOG.log(Level.DEBUG, () -> "route [" + route.name + "]: client went away: " + e);
        cancelTimer();
        Upstream up = upstream;
        if (up != null) {
            up.close();
        }
        report(false);
        completeQuietly();
    }

    /** Answers the client with wsproxy's own status and a one-line reason (nothing was sent yet). */
    private void answer(int code, String why) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        cancelTimer();
        try {
            writeAnswer(code, why);
        } catch (IllegalStateException e) {
            // committed or gone: nothing more to say
        }
        report(false);
        completeQuietly();
    }

    private void writeAnswer(int code, String why) {
        response.setStatus(code);
        status = code;
        response.setContentType("text/plain;charset=UTF-8");
        byte[] body = (why + "\n").getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        try {
            ServletOutputStream stream = out != null ? out : response.getOutputStream();
            // A few bytes, into a response nothing was written to: the container's buffer takes
            // them. Once a WriteListener is set, isReady() is asked first, as the API wants (Open
            // Liberty refused the write otherwise: SRVE0918E, "blocking write is not allowed").
            if (!outNonBlocking || out.isReady()) {
                stream.write(body);
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone.
        }
    }

    private void complete(boolean whole) {
        report(whole);
        completeQuietly();
    }

    private void completeQuietly() {
        try {
            async.complete();
        } catch (IllegalStateException e) {
            // completed already (the client went away meanwhile)
        }
    }

    private final AtomicBoolean reported = new AtomicBoolean();

    private void report(boolean whole) {
        if (!reported.compareAndSet(false, true)) {
            return;
        }
        Target t = target;
        route.done.accept(new HttpResult(started, route.name, client, method, path, t == null ? null : t.backend(),
                status, bodyBytes, outBytes, Duration.ofNanos(System.nanoTime() - startNanos), whole));
    }

    // ---- readTimeout

    private void scheduleReadCheck(long delayNanos) {
        if (route.readTimeout.isZero()) {
            return;
        }
        readTimer = route.timer.schedule(this::checkRead, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        ScheduledFuture<?> timer = readTimer;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void checkRead() {
        if (finished.get()) {
            return;
        }
        long timeout = route.readTimeout.toNanos();
        long quiet = System.nanoTime() - lastHeard;
        if (waitingForClient || quiet < timeout) {
            scheduleReadCheck(waitingForClient ? timeout : timeout - quiet);
            return;
        }
        Upstream up = upstream;
        up.loop().execute(() -> {
            if (finished.get() || waitingForClient) {
                return;
            }
            if (head == null) {
                up.close();
                LOG.log(Level.WARNING, () -> "route [" + route.name + "]: " + method + " "
                        + path + ": backend did not answer within readTimeout");
                answer(BackendFailure.GATEWAY_TIMEOUT, "backend did not answer within readTimeout ("
                        + route.readTimeout.toMillis() + " ms)");
            } else {
                abort("backend sent nothing for readTimeout (" + route.readTimeout.toMillis() + " ms)");
            }
        });
    }

    // ---- the client's side

    @Override
    public void onError(Throwable t) {
        clientGone(t);
    }

    @Override
    public void onComplete(AsyncEvent event) {
        // The end of a request that ended here already.
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        clientGone(new IOException("asynchronous request timed out"));
    }

    @Override
    public void onError(AsyncEvent event) {
        clientGone(event.getThrowable() != null ? event.getThrowable() : new IOException("client connection failed"));
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not restarted
    }
}
