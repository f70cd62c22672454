// A server-sent events server on node's http module alone, for wsproxy's tests: listens on
// 127.0.0.1 (a free port), prints one JSON object per line, and exits when its standard input ends,
// so that it never outlives the test that started it.
// Usage: node server.js [PORT]   (PORT: where a deployed route expects it; default 0, a free port)
//   GET  .../events?n=N          a text/event-stream of N events (i = 1..N), each sent only once the
//                                client acknowledged the one before: event i+1 follows the request
//                                POST .../ack?i=i (so a test can prove that event i reached the
//                                client before event i+1 existed); waits at most 20 s for an ack,
//                                then ends the stream. After event N and its ack the response ends.
//   GET  .../events?n=N&gapMs=M  the same without acks: event i+1 is sent M ms after event i
//   POST .../ack?i=i[&stream=S]  acknowledges event i of stream S (of every open stream without S);
//                                answers 204, or 404 when no open stream waits for it
// Paths are matched by their end (/events, /ack), so a proxy may map them under any prefix.
// Each event is   id: i\nevent: tick\ndata: {"i":i,"stream":S,"t":ms since 1970}\n\n
// Lines printed:
//   {"event":"listening","port":N}
//   {"event":"stream","stream":S,"n":N,"gapMs":M|null,"path":the request's path}   per GET /events
//   {"event":"sent","stream":S,"i":i,"t":ms}                 per event, when written
//   {"event":"acked","stream":S,"i":i,"t":ms}                per acknowledgement of a waiting event
//   {"event":"ack-timeout","stream":S,"i":i}                 no ack within 20 s (the stream ends)
//   {"event":"done","stream":S,"sent":k}                     the response ended after the last event
//   {"event":"gone","stream":S,"sent":k}                     the client went away first
const http = require("http");

const ACK_WAIT = 20000;
const say = (fields) => process.stdout.write(JSON.stringify(fields) + "\n");

/** Open streams: S -> { waitingFor: i or 0, ack: function called with i }. */
const streams = new Map();
let nextStream = 1;

function events(req, res, query, path) {
  const n = Number(query.get("n") || "1");
  const gapParam = query.get("gapMs");
  const gapMs = gapParam === null ? null : Number(gapParam);
  if (!(Number.isInteger(n) && n >= 0) || (gapMs !== null && !(gapMs >= 0))) {
    res.writeHead(400, { "Content-Type": "text/plain" });
    res.end("n must be a whole number, gapMs a number of milliseconds\n");
    return;
  }
  const id = String(nextStream++);
  say({ event: "stream", stream: id, n, gapMs, path });
  res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
  res.flushHeaders();
  const stream = { waitingFor: 0, ack: null };
  streams.set(id, stream);
  let sent = 0;
  let timer = null;
  let over = false;
  const end = (line) => {
    if (over) {
      return;
    }
    over = true;
    clearTimeout(timer);
    streams.delete(id);
    say(line);
    res.end();
  };
  res.on("close", () => {
    if (!res.writableFinished) {
      end({ event: "gone", stream: id, sent });
    }
  });
  const send = (i) => {
    if (over) {
      return;
    }
    if (i > n) {
      end({ event: "done", stream: id, sent });
      return;
    }
    const t = Date.now();
    res.write(`id: ${i}\nevent: tick\ndata: ${JSON.stringify({ i, stream: id, t })}\n\n`);
    sent = i;
    say({ event: "sent", stream: id, i, t });
    if (gapMs !== null) {
      timer = setTimeout(() => send(i + 1), gapMs);
      return;
    }
    stream.waitingFor = i;
    stream.ack = () => {
      clearTimeout(timer);
      stream.waitingFor = 0;
      say({ event: "acked", stream: id, i, t: Date.now() });
      send(i + 1);
    };
    timer = setTimeout(() => {
      say({ event: "ack-timeout", stream: id, i });
      end({ event: "done", stream: id, sent });
    }, ACK_WAIT);
  };
  send(1);
}

function ack(req, res, query) {
  const i = Number(query.get("i"));
  const only = query.get("stream");
  req.resume();
  req.on("end", () => {
    let found = 0;
    for (const [id, stream] of streams) {
      if ((only === null || only === id) && stream.waitingFor === i && i > 0) {
        found++;
        stream.ack(i);
      }
    }
    res.writeHead(found ? 204 : 404);
    res.end();
  });
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://any");
  if (req.method === "GET" && url.pathname.endsWith("/events")) {
    events(req, res, url.searchParams, url.pathname);
  } else if (req.method === "POST" && url.pathname.endsWith("/ack")) {
    ack(req, res, url.searchParams);
  } else {
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("GET .../events?n=N[&gapMs=M] or POST .../ack?i=I\n");
  }
});
server.listen(Number(process.argv[2] || 0), "127.0.0.1", () => say({ event: "listening", port: server.address().port }));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
