// A SockJS client (sockjs-client, unmodified from the npm registry) for wsproxy's tests.
// Usage: node client.js URL TRANSPORT   (e.g. node client.js http://127.0.0.1:8080/ctx/sockjs xhr-streaming)
//   TRANSPORT: websocket, xhr-streaming or xhr-polling (also eventsource); the client may use only it.
// Opens a session, sends three messages one after another (a short one, a unicode one, 100 KiB),
// each after the echo of the one before, and prints one JSON object:
//   {"transport":the transport the session used,"echoed":n,"intact":true|false}
// or {"error":...} (e.g. the close code and reason when no session opened). Exits within 60 s
// whatever happens.
//
// sockjs-client is written for browsers; in node it runs from its "main", lib/entry.js (the
// "browser" field of its package.json swaps in the browser drivers only for bundlers). Its node
// drivers: lib/transport/driver/xhr.js is an XHR made of node's http/https module (GET/POST, the
// response text grows by 'chunk' events, so xhr-streaming streams), lib/transport/driver/websocket.js
// is faye-websocket's Client, lib/transport/driver/eventsource.js the eventsource package. Without a
// window, lib/location.js takes http://localhost/ as the page, so every server is cross-origin and
// the CORS sender (sender/xhr-cors.js, the same http driver) is used; no cookies are kept (the
// driver sends no Cookie and ignores Set-Cookie, so SockJS's JSESSIONID stickiness does not work
// from node). The transports that need a DOM (iframe-*, htmlfile, jsonp-polling, xdr-*) are disabled
// in node and cannot be chosen here.
const SockJS = require("sockjs-client");

const [url, transport] = process.argv.slice(2);
const WAIT = 10000;

setTimeout(() => {
  console.log(JSON.stringify({ error: "not done within 60 s" }));
  process.exit(2);
}, 60000).unref();

if (!url || !transport) {
  console.log(JSON.stringify({ error: "usage: node client.js URL TRANSPORT" }));
  process.exit(2);
}

const messages = [
  "hello",
  "h\u00e9llo \u20ac \ud83d\ude00 \u2028 \"quoted\" \\ \u0001",
  "0123456789abcdef".repeat(6400), // 100 KiB
];

const sock = new SockJS(url, null, { transports: [transport], timeout: WAIT });
let opened = false;
let closed = null;
const received = [];
let waiting = null;
sock.onmessage = (e) => {
  received.push(e.data);
  if (waiting) {
    waiting();
  }
};
sock.onclose = (e) => {
  closed = { code: e.code, reason: e.reason };
  if (!opened) {
    // A session that never opened, e.g. 2000 "All transports failed", 1002 "Cannot connect to server".
    console.log(JSON.stringify({ error: `closed before open: ${e.code} ${e.reason}` }));
    process.exit(1);
  }
  if (waiting) {
    waiting();
  }
};

/** Resolves once `count` messages came back; rejects on close or after WAIT. */
function echoes(count) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no echo within ${WAIT} ms`)), WAIT);
    waiting = () => {
      if (received.length >= count) {
        clearTimeout(timer);
        waiting = null;
        resolve();
      } else if (closed) {
        clearTimeout(timer);
        waiting = null;
        reject(new Error(`closed: ${closed.code} ${closed.reason}`));
      }
    };
    waiting();
  });
}

sock.onopen = async () => {
  opened = true;
  const used = sock.transport;
  let echoed = 0;
  let intact = true;
  try {
    for (const message of messages) {
      sock.send(message);
      await echoes(echoed + 1);
      intact = intact && received[echoed] === message;
      echoed++;
    }
    sock.close();
    console.log(JSON.stringify({ transport: used, echoed, intact }));
    process.exit(0);
  } catch (e) {
    console.log(JSON.stringify({ transport: used, echoed, intact, error: e.message }));
    process.exit(1);
  }
};
