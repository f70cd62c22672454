// Two Socket.IO 4 clients (socket.io-client, unmodified from the npm registry) for SocketIoTest.
// Usage: node client.js ORIGIN PATH TRANSPORTS   (e.g. http://127.0.0.1:8080 /ctx/socket.io/ websocket)
// Prints one JSON object with what it saw, or {"error": ...}; exits within 60 s whatever happens.
const { io } = require("socket.io-client");

const [origin, path, transports] = process.argv.slice(2);
const options = { path, transports: transports.split(","), reconnection: false, timeout: 10000, forceNew: true };
const WAIT = 20000;

setTimeout(() => {
  console.log(JSON.stringify({ error: "not done within 60 s" }));
  process.exit(2);
}, 60000).unref();

function next(socket, event) {
  return new Promise((resolve, reject) => {
    socket.once(event, (...args) => resolve(args));
    socket.once("connect_error", reject);
  });
}

async function main() {
  const a = io(origin, options);
  const b = io(origin, options);
  await Promise.all([next(a, "connect"), next(b, "connect")]);
  const seen = {};
  seen.text = await a.timeout(WAIT).emitWithAck("echo", "hello \u00e9\u20ac\ud83d\ude00");
  const binary = await a.timeout(WAIT).emitWithAck("echo", { label: "attachment", data: Buffer.from([0, 1, 2, 254, 255]) });
  seen.binary = Array.from(binary.data);
  const big = "0123456789abcdef".repeat(65536);
  const bigBack = await a.timeout(WAIT).emitWithAck("echo", big);
  seen.bigLength = bigBack.length;
  seen.bigIntact = bigBack === big;
  await a.timeout(WAIT).emitWithAck("join", "room1");
  await b.timeout(WAIT).emitWithAck("join", "room1");
  const heard = next(b, "heard");
  a.emit("shout", "room1", "hi room");
  seen.heard = (await heard)[0];
  // With the default transports the upgrade runs beside the events: wait for it (bounded), so that
  // the transport reported is where the session settled, not where a slow upgrade still was.
  if (options.transports.includes("websocket")) {
    await Promise.all([a, b].map((s) => s.io.engine.transport.name === "websocket" ? null
      : new Promise((resolve) => {
          s.io.engine.once("upgrade", resolve);
          setTimeout(resolve, WAIT).unref();
        })));
  }
  seen.transports = [a.io.engine.transport.name, b.io.engine.transport.name];
  a.close();
  b.close();
  console.log(JSON.stringify(seen));
  process.exit(0);
}

main().catch((e) => {
  console.log(JSON.stringify({ error: String(e && e.message ? e.message : e) }));
  process.exit(1);
});
