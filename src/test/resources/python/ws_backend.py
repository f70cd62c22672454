"""An echo backend in a process of its own, for tests that kill it or its clients with SIGKILL: Python's
websockets package (Debian: python3-websockets), so that the peer on the far side of the proxy is not a JVM.

Usage: ws_backend.py PORT
Listens on 127.0.0.1:PORT (0 for a free port) and prints one JSON object per line, flushed at once:
  {"event": "listening", "port": N}                                  once it accepts connections
  {"event": "open", "path": "/..."}                                  per connection
  {"event": "close", "path": "/...", "code": N, "reason": "..."}     when a connection ends (1006: no close frame)
Echoes every message. Exits when its standard input ends, so that it never outlives the test that started it.
"""
import asyncio
import json
import os
import sys
import threading

import websockets


def say(**fields):
    print(json.dumps(fields), flush=True)


async def echo(ws, path=None):
    path = getattr(ws, "path", path)
    say(event="open", path=path)
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


async def main(port):
    threading.Thread(target=exit_when_stdin_ends, daemon=True).start()
    async with websockets.serve(echo, "127.0.0.1", port, max_size=None, ping_interval=None) as server:
        say(event="listening", port=server.sockets[0].getsockname()[1])
        await asyncio.Future()


asyncio.run(main(int(sys.argv[1])))
