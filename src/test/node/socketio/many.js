// Many Socket.IO 4 clients (socket.io-client, unmodified from the npm registry) at once, as browsers
// connect: by default each starts with HTTP long-polling and upgrades to WebSocket, so that a test
// can see whether every session's requests reach the server that holds it.
// Usage: node many.js ORIGIN PATH N [TRANSPORT]
//   e.g. node many.js http://127.0.0.1:8080 /ctx/socket.io/ 50
//   TRANSPORT "polling" or "websocket" restricts the client to that one transport; without it the
//   default transports (polling, then the upgrade to websocket) are used.
// Each client connects, waits for its upgrade to websocket (default transports only), then emits
// "echo" and "whoami" with acknowledgements. Prints one JSON object, also on failures:
//   {"n":N,"connected":k,"upgraded":k,"echoed":k,"servers":{"s1":count,"s2":count},
//    "transports":{"websocket":count,"polling":count},"errors":[the first 10 error messages]}
// "upgraded" counts the clients whose transport is websocket at the end (with TRANSPORT=websocket
// that is every connected one; with TRANSPORT=polling none); "servers" counts the "whoami"
// answers (server.js prints its SERVER_ID). Exits within 60 s whatever happens: 0 when every
// client connected, upgraded (unless TRANSPORT=polling) and echoed, 1 otherwise, 2 on the overall
// bound.
//
// Clients use withCredentials: true and reconnection: false.
// * Cookies: in node, engine.io-client (6.6.8 here) keeps cookies only with withCredentials. In
//   node_modules/engine.io-client/build/cjs/socket.js the Socket constructor runs
//   `if (this.opts.withCredentials) { this._cookieJar = createCookieJar(); }`, createCookieJar of
//   globals.node.js (a CookieJar, name -> value, no domain or path matching). Without the jar no
//   cookie is stored or sent. With it, transports/polling-xhr.js stores every Set-Cookie of a
//   polling response (parseCookies at readyState 3) and sends them all on the next request
//   (addCookies, one Cookie header), and transports/websocket.node.js (WS.createSocket) adds them
//   to the WebSocket handshake. The jar belongs to one engine.io session: socket.io-client's
//   Manager makes a new engine.io Socket (a new, empty jar) on every (re)connection, so a cookie
//   lives from a session's handshake to its end, not across reconnections.
// * reconnection: false, so that a session that breaks (e.g. a request that reaches a server that
//   does not hold the session) shows up as an error instead of a silent new session.
// What engine.io (6.6.13 here) does with a request for a session it does not hold (a load balancer
// that sends one session's requests to two servers): node_modules/engine.io/build/server.js,
// BaseServer.verify: `if (!hasOwn(this.clients, sid)) return fn(Server.errors.UNKNOWN_SID, {sid})`
// (UNKNOWN_SID is 1, errorMessages[1] is "Session ID unknown"); for a polling request
// handleRequest's callback then calls abortRequest(res, 1, ...), which answers
//   HTTP 400, Content-Type: application/json, {"code":1,"message":"Session ID unknown"}
// and for a WebSocket upgrade handleUpgrade's callback calls abortUpgrade, which writes
//   "HTTP/1.1 400 Bad Request", Content-type: text/html, body "Session ID unknown"
// and destroys the socket. The client sees the first as "xhr poll error" (or "xhr post error") with
// description 400, which ends the session ("transport error"); the second as a failed probe
// ("probe error: ..."; the session stays on polling), reported here as an upgrade error.
const { io } = require("socket.io-client");

const [origin, path, count, only] = process.argv.slice(2);
const n = Number(count);
if (!origin || !path || !(n > 0) || (only && only !== "polling" && only !== "websocket")) {
  console.log(JSON.stringify({ error: "usage: node many.js ORIGIN PATH N [polling|websocket]" }));
  process.exit(2);
}
const options = { path, reconnection: false, timeout: 10000, forceNew: true, withCredentials: true };
if (only) {
  options.transports = [only];
}
const CONNECT_WAIT = 15000;
const UPGRADE_WAIT = 15000;
const ACK_WAIT = 10000;

const result = { n, connected: 0, upgraded: 0, echoed: 0, servers: {}, transports: {}, errors: [] };
let errorCount = 0;
const sockets = [];

function error(i, message) {
  errorCount++;
  if (result.errors.length < 10) {
    result.errors.push(`client ${i}: ${message}`);
  }
}

function describe(e) {
  if (!e) {
    return String(e);
  }
  let text = e.message || String(e);
  if (e.description !== undefined) {
    const d = e.description;
    text += ` (${d && d.message ? d.message : typeof d === "object" ? JSON.stringify(d) : d})`;
  }
  const body = e.context && typeof e.context.responseText === "string" ? e.context.responseText : "";
  if (body) {
    text += ` body ${body.slice(0, 200)}`;
  }
  return text;
}

function finish(code) {
  result.errorCount = errorCount;
  for (const socket of sockets) {
    const name = socket.io.engine && socket.io.engine.transport ? socket.io.engine.transport.name : "none";
    if (socket.connected) {
      result.transports[name] = (result.transports[name] || 0) + 1;
    }
  }
  console.log(JSON.stringify(result));
  for (const socket of sockets) {
    socket.close();
  }
  process.exit(code);
}

setTimeout(() => {
  result.errors.push(`not done within 60 s`);
  finish(2);
}, 60000).unref();

/** Resolves true when `event` comes within `ms`, false on timeout; rejects on `failure` events. */
function within(emitter, event, ms, failures = []) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(() => resolve(false)), ms);
    const onEvent = () => done(() => resolve(true));
    const onFailure = (e) => done(() => reject(e));
    const done = (settle) => {
      clearTimeout(timer);
      emitter.off(event, onEvent);
      failures.forEach((f) => emitter.off(f, onFailure));
      settle();
    };
    emitter.on(event, onEvent);
    failures.forEach((f) => emitter.on(f, onFailure));
  });
}

async function client(i) {
  const socket = io(origin, options);
  sockets.push(socket);
  socket.on("disconnect", (reason, details) => {
    if (reason !== "io client disconnect") {
      error(i, `disconnect: ${reason}${details ? " " + describe(details) : ""}`);
    }
  });
  let connected;
  try {
    connected = await within(socket, "connect", CONNECT_WAIT, ["connect_error"]);
  } catch (e) {
    error(i, `connect_error: ${describe(e)}`);
    return;
  }
  if (!connected) {
    error(i, `not connected within ${CONNECT_WAIT} ms`);
    return;
  }
  result.connected++;
  const engine = socket.io.engine;
  engine.on("upgradeError", (e) => error(i, `upgradeError: ${describe(e)}`));
  if (only !== "polling" && engine.transport.name !== "websocket") {
    const upgraded = await within(engine, "upgrade", UPGRADE_WAIT);
    if (!upgraded && engine.transport.name !== "websocket") {
      error(i, `not upgraded within ${UPGRADE_WAIT} ms (transport ${engine.transport.name})`);
    }
  }
  try {
    const text = `hello ${i} \u00e9\u20ac\ud83d\ude00`;
    const back = await socket.timeout(ACK_WAIT).emitWithAck("echo", text);
    if (back === text) {
      result.echoed++;
    } else {
      error(i, `echo came back as ${JSON.stringify(back).slice(0, 100)}`);
    }
    const server = await socket.timeout(ACK_WAIT).emitWithAck("whoami");
    result.servers[server] = (result.servers[server] || 0) + 1;
  } catch (e) {
    error(i, `ack: ${describe(e)}`);
  }
  if (engine.transport.name === "websocket") {
    result.upgraded++;
  }
}

Promise.all(Array.from({ length: n }, (_, i) => client(i))).then(
  () => {
    const upgradedAll = only === "polling" || result.upgraded === n;
    finish(result.connected === n && result.echoed === n && upgradedAll ? 0 : 1);
  },
  (e) => {
    result.errors.push(`unexpected: ${describe(e)}`);
    finish(1);
  },
);
