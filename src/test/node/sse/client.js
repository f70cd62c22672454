// A server-sent events client on node's http module alone (no library), for wsproxy's tests.
// Usage: node client.js BASEURL N [GAP_MS]   (e.g. node client.js http://127.0.0.1:8080/ctx/sse 5)
// Opens GET BASEURL/events?n=N (with &gapMs=GAP_MS when given: server.js then does not wait for
// acks) and, for each event, prints a line and then acknowledges it with POST BASEURL/ack?i=i&stream=S,
// which is what lets server.js send the next one. Both requests go through whatever BASEURL is.
// Lines printed:
//   {"event":"open","status":200,"contentType":...}               the stream's response headers
//   {"event":"received","i":i,"t":ms since 1970}                   per event, in the order received
//   {"done":true,"received":N}                                     all N events came, in order, and the stream ended
//   {"error":...,"received":k}                                      anything else (k events came)
// Waits at most 20 s for each event (and for the end after the last) and 60 s in all.
const http = require("http");
const https = require("https");

const [base, count, gap] = process.argv.slice(2);
const n = Number(count);
const EVENT_WAIT = 20000;
const say = (fields) => process.stdout.write(JSON.stringify(fields) + "\n");

let received = 0;
function fail(message) {
  say({ error: message, received });
  process.exit(1);
}

if (!base || !(Number.isInteger(n) && n >= 0)) {
  say({ error: "usage: node client.js BASEURL N [GAP_MS]" });
  process.exit(2);
}
setTimeout(() => fail("not done within 60 s"), 60000).unref();

const root = base.replace(/\/+$/, "");
const client = root.startsWith("https:") ? https : http;
let waiting = setTimeout(() => fail(`no event 1 within ${EVENT_WAIT} ms`), EVENT_WAIT);

function ack(i, stream) {
  const url = `${root}/ack?i=${i}&stream=${encodeURIComponent(stream)}`;
  const req = client.request(url, { method: "POST", headers: { "Content-Length": 0 } }, (res) => {
    res.resume();
    if (res.statusCode !== 204) {
      fail(`ack of event ${i} answered ${res.statusCode}`);
    }
  });
  req.setTimeout(EVENT_WAIT, () => req.destroy(new Error(`ack of event ${i} not answered within ${EVENT_WAIT} ms`)));
  req.on("error", (e) => fail(`ack of event ${i}: ${e.message}`));
  req.end();
}

/** One event's fields (data lines joined by \n), as the EventSource parsing rules build them. */
function dispatch(fields) {
  if (fields.data === undefined) {
    return;
  }
  let data;
  try {
    data = JSON.parse(fields.data);
  } catch (e) {
    fail(`event data is not JSON: ${fields.data.slice(0, 100)}`);
  }
  const expected = received + 1;
  if (data.i !== expected) {
    fail(`event ${data.i} came where ${expected} was due`);
  }
  received = expected;
  say({ event: "received", i: data.i, t: Date.now() });
  clearTimeout(waiting);
  const next = received < n ? `no event ${received + 1}` : "no end of the stream";
  waiting = setTimeout(() => fail(`${next} within ${EVENT_WAIT} ms`), EVENT_WAIT);
  if (gap === undefined) {
    ack(data.i, data.stream);
  }
}

const query = `n=${n}` + (gap === undefined ? "" : `&gapMs=${encodeURIComponent(gap)}`);
const req = client.get(`${root}/events?${query}`, { headers: { Accept: "text/event-stream" } }, (res) => {
  say({ event: "open", status: res.statusCode, contentType: res.headers["content-type"] || null });
  if (res.statusCode !== 200) {
    fail(`GET events answered ${res.statusCode}`);
  }
  res.setEncoding("utf8");
  let buffer = "";
  let fields = {};
  res.on("data", (chunk) => {
    buffer += chunk;
    // Lines end with \r\n, \n or \r; a \r at the very end may be the first half of \r\n.
    for (let match = buffer.match(/\r\n|\n|\r(?!$)/); match; match = buffer.match(/\r\n|\n|\r(?!$)/)) {
      const line = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      if (line === "") {
        dispatch(fields);
        fields = {};
      } else if (!line.startsWith(":")) {
        const colon = line.indexOf(":");
        const name = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? "" : line.slice(colon + 1);
        if (value.startsWith(" ")) {
          value = value.slice(1);
        }
        if (name === "data") {
          fields.data = fields.data === undefined ? value : fields.data + "\n" + value;
        } else {
          fields[name] = value;
        }
      }
    }
  });
  res.on("end", () => {
    if (received === n) {
      say({ done: true, received });
      process.exit(0);
    }
    fail(`the stream ended after ${received} of ${n} events`);
  });
  res.on("error", (e) => fail(`stream: ${e.message}`));
});
req.on("error", (e) => fail(`GET events: ${e.message}`));
