"""The floor for `make bench`'s instruction counts: a plain ASGI app on the same server stack, no framework.

It reads the request body (a PATCH's JSON is decoded, as the bare route decodes it) and answers a fixed JSON object
with the two headers the others send. What uvicorn, httptools and uvloop cost to carry one such exchange is then
measured, apart from what Starlette and the simulator add on top: a bound on what any app served by this stack can
reach (docs/performance.md uses it for the WireMock target).
"""

from __future__ import annotations

import json

from starlette.types import Message, Receive, Scope, Send

ITEM = json.dumps({"id": 10001, "sku": "WMY71443LB2", "stock": 10}, separators=(",", ":")).encode()
HEADERS = [(b"content-length", str(len(ITEM)).encode()), (b"content-type", b"application/json")]


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    if scope["type"] != "http":
        return
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    if scope["method"] == "PATCH":
        json.loads(b"".join(chunks))
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": ITEM})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message: Message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
