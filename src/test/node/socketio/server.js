// A Socket.IO 4 server, unmodified from the npm registry, for SocketIoTest: listens on 127.0.0.1 (a
// free port, or PORT), prints one JSON object per line, and exits when its standard input ends, so
// that it never outlives the test that started it.
// Usage: node server.js [SERVER_ID [PORT]]   (SERVER_ID names this server when a test runs two;
//   default s1. PORT: where a deployed route expects it, as in the real-container tests; default 0)
//   {"event":"listening","port":N}
//   {"event":"connection","transport":"websocket"|"polling","server":SERVER_ID}   per client
// Events: "echo" answers its payload in the acknowledgement; "join" puts the socket in a room;
// "shout" sends "heard" to the room's other sockets; "whoami" answers SERVER_ID in the
// acknowledgement (which server a client's session lives on).
const http = require("http");
const { Server } = require("socket.io");

const id = process.argv[2] || "s1";
const say = (fields) => process.stdout.write(JSON.stringify(fields) + "\n");

const server = http.createServer();
// 1 MiB payloads and their framing must pass (the default limit is 1e6 bytes).
const io = new Server(server, { maxHttpBufferSize: 4e6 });
io.on("connection", (socket) => {
  say({ event: "connection", transport: socket.conn.transport.name, server: id });
  socket.on("echo", (payload, ack) => ack(payload));
  socket.on("whoami", (ack) => ack(id));
  socket.on("join", (room, ack) => {
    socket.join(room);
    ack(true);
  });
  socket.on("shout", (room, message) => socket.to(room).emit("heard", message));
});
server.listen(Number(process.argv[3] || 0), "127.0.0.1", () => say({ event: "listening", port: server.address().port }));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
