// A SockJS echo server (sockjs, unmodified from the npm registry) for wsproxy's tests: listens on
// 127.0.0.1 (a free port, or PORT), prints one JSON object per line, and exits when its standard input ends,
// so that it never outlives the test that started it.
// Usage: node server.js [PREFIX [PORT]]   (the path of the SockJS service, default /sockjs; PORT: where
//   a deployed route expects it, as in the real-container tests; default 0)
//   {"event":"listening","port":N,"prefix":PREFIX}
//   {"event":"connection","protocol":"websocket"|"xhr-streaming"|"xhr-polling"|...}   per session
//   {"event":"log","severity":"error","message":...}   what sockjs logs as an error (other log lines
//                                                      are dropped: its default logger writes them
//                                                      to stdout, which is for JSON only)
// Every message a session receives is written back to it unchanged.
const http = require("http");
const sockjs = require("sockjs");

const prefix = process.argv[2] || "/sockjs";
const say = (fields) => process.stdout.write(JSON.stringify(fields) + "\n");

const service = sockjs.createServer({
  log: (severity, message) => {
    if (severity === "error") {
      say({ event: "log", severity, message });
    }
  },
});
service.on("connection", (conn) => {
  say({ event: "connection", protocol: conn.protocol });
  conn.on("data", (message) => conn.write(message));
});

const server = http.createServer();
service.installHandlers(server, { prefix });
server.listen(Number(process.argv[3] || 0), "127.0.0.1", () => say({ event: "listening", port: server.address().port, prefix }));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
