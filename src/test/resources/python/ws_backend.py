"""An echo backend in a process of its own, for tests that kill it or its clients with SIGKILL: Python's
websockets package (Debian: python3-websockets), so that the peer on the far side of the proxy is not a JVM.

Usage: ws_backend.py PORT [CERT_PEM KEY_PEM]
Listens on 127.0.0.1:PORT (0 for a free port), over TLS with the certificate chain and key given, and prints
one JSON object per line, flushed at once:
  {"event": "listening", "port": N}                                  once it accepts connections
  {"event": "open", "path": "/...", "extensions": "..."}             per connection, with the extensions its
                                                                     101 accepted (permessage-deflate when
                                                                     offered: websockets' default), or null
  {"event": "close", "path": "/...", "code": N, "reason": "..."}     when a connection ends (1006: no close frame)
Echoes every message. Exits when its standard input ends, so that it never outlives the test that started it.
"""
import asyncio
import json
import os
import ssl
import sys
import threading

import websockets


def say(**fields):
    print(json.dumps(fields), flush=True)


async def echo(ws, path=None):
    path = getattr(ws, "path", path)
    say(event="open", path=path, extensions=ws.response_headers.get("Sec-WebSocket-Extensions"))
    try:
        async for message in ws:
            await ws.send(message)
    except websockets.exceptions.ConnectionClosed:
        pass
    finally:
        await ws.wait_closed()
        say(event="close", path=path, code=ws.close_code, reason=ws.close_reason)


def exit_when_stdin_ends():
    sys.stdin.read()
    os._exit(0)


async def main(port, pem=None):
    threading.Thread(target=exit_when_stdin_ends, daemon=True).start()
    tls = None
    if pem:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(pem[0], pem[1])
    async with websockets.serve(echo, "127.0.0.1", port, max_size=None, ping_interval=None, ssl=tls) as server:
        say(event="listening", port=server.sockets[0].getsockname()[1])
        await asyncio.Future()


asyncio.run(main(int(sys.argv[1]), sys.argv[2:4] or None))
