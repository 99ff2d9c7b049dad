"""An answer given before the request's body is read (bad credentials, a wrong Content-Type, a 404, a body over the
cap) must still reach a client that writes its whole body before it reads, as Python's urllib and most HTTP/1.1
clients do.

uvicorn closes the connection as soon as such an answer is complete when the request said ``Connection: close``
(or was HTTP/1.0). Closing a socket whose receive buffer still holds unread data makes the kernel send a reset, and
the client, still writing, gets a broken pipe or "connection reset" instead of the answer. So the answer's bytes go
out at once, then the rest of the body is read and thrown away (up to the body cap, for up to the header timeout),
and only then is the answer completed, and the connection closed if it is to be. A body declared larger than the cap
is not waited for (it would be cut off anyway), nor one a client was told to hold back (``Expect: 100-continue``);
a body left unfinished ends the connection with the answer, since its rest would be read as the next request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from starlette.types import Message, Receive, Scope, Send

from simulator.numbers import exceeds, is_digits
from simulator.toolkit import sockets


class Drained:
    """``receive`` and ``send`` for the app, around the server's own."""

    def __init__(self, scope: Scope, receive: Receive, send: Send, limit: int, seconds: float) -> None:
        self._receive, self._send = receive, send
        self.limit, self.seconds = limit, seconds
        self.received = 0
        self.body_done = False
        # One pass over the headers (this runs for every request that comes over a socket).
        expects_continue = chunked = False
        declared: str | None = None
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                if declared is None:  # the first, as before
                    declared = value.decode("latin-1")
            elif name == b"transfer-encoding":
                chunked = True
            elif name == b"expect" and value.lower() == b"100-continue":
                expects_continue = True
        declared = declared or ""
        # A client that asked to be told to go on (Expect: 100-continue) and was answered instead sends no body.
        self.expects_continue = expects_continue
        # A body declared larger than the cap is refused unread: reading the cap's worth would not save the rest.
        self.over_cap = is_digits(declared) and exceeds(declared, limit)
        # A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112, 6.3), nor one declaring
        # 0: its answer goes out as it is, in one write, with nothing to wait for (most GETs; make bench counted three
        # writes per GET before).
        self.body_done = not chunked and (declared == "" or (is_digits(declared) and not declared.lstrip("0")))

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            self.body_done = not message.get("more_body", False)
        else:
            self.body_done = True  # http.disconnect: nothing more will come
        return message

    def send(self, message: Message) -> Awaitable[None]:
        # A plain function: most messages go on as they are, and then the server's own awaitable is handed back,
        # without a coroutine frame of this layer around it.
        if message["type"] != "http.response.body" or message.get("more_body", False) or self.body_done:
            return self._send(message)
        return self._finish(message)

    async def _finish(self, message: Message) -> None:
        await self._send({**message, "more_body": True})
        await self._drain()
        await self._send({"type": "http.response.body", "body": b"", "more_body": False})
        if not self.body_done:
            # The rest of the body would be read as the next request: the connection ends with this answer.
            sockets.close(self._send, reset=False)

    async def _drain(self) -> None:
        if self.over_cap or (self.expects_continue and self.received == 0):
            return
        try:
            async with asyncio.timeout(self.seconds):
                while not self.body_done and self.received <= self.limit:
                    await self.receive()
        except TimeoutError:
            pass
