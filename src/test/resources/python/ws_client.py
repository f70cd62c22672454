"""An independent WebSocket client for the tests: Python's websockets package (Debian: python3-websockets).

Usage: ws_client.py URL SUBPROTOCOLS MODE
  SUBPROTOCOLS  comma-separated, or "-" for none
  MODE          client-close: echo text and binary, then close with 4000 "py bye"
                backend-close: ask the echo backend to close with 4001 "backend bye"
                hold: echo one text message, print {"ready": true} and wait (up to 60 s) to be killed
Prints one JSON object: the negotiated subprotocol, the echoes, and the close code and reason seen.
"""
import asyncio
import json
import sys

import websockets


async def main(url, subprotocols, mode):
    offered = None if subprotocols == "-" else subprotocols.split(",")
    result = {}
    async with websockets.connect(url, subprotocols=offered, open_timeout=10, close_timeout=10) as ws:
        if mode == "hold":
            await ws.send("hold")
            await asyncio.wait_for(ws.recv(), 10)
            print(json.dumps({"ready": True}), flush=True)
            await asyncio.sleep(60)
            return
        result["subprotocol"] = ws.subprotocol
        await ws.send("hello from python \u00e9\u20ac\U0001F600")
        result["text"] = await asyncio.wait_for(ws.recv(), 10)
        await ws.send(bytes(range(256)))
        result["binary"] = list(await asyncio.wait_for(ws.recv(), 10))
        if mode == "client-close":
            await ws.close(4000, "py bye")
        else:
            await ws.send("close:4001:backend bye")
            try:
                await asyncio.wait_for(ws.recv(), 10)
            except websockets.exceptions.ConnectionClosed:
                pass
        await ws.wait_closed()
        result["close_code"] = ws.close_code
        result["close_reason"] = ws.close_reason
    print(json.dumps(result))


asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3]))
