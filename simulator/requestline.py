"""What the simulator forgives in a request line, as the web servers in front of the vendors' APIs do.

- **HEAD is a GET without its body** (RFC 9110, 9.3.2). The routes below this middleware see a GET, so every
  resource that serves GET serves HEAD with the same status and headers (Content-Length is the GET body's), and no
  handler can mistake a HEAD for another method. ``headless``, at the app's outermost layer, sends no body to a
  HEAD, whoever answers it (a handler, a fault, the control token's 401). A resource without GET answers HEAD with
  its 405; a 405's Allow lists HEAD beside GET (errors.allow).
- **One trailing slash is forgiven on a vendor's paths**: ``/centra/demo/stock/`` is ``/centra/demo/stock``, as
  Centra's own POS guide writes it. Served, not redirected: a redirected POST loses its body with many clients.
  Only a slash the client wrote is taken off, never an encoded one (``%2F`` ending an identifier in the path), and
  only when the path without it still reaches a route: ``/centra/demo/`` keeps its slash, or the router would
  redirect it back.

The layers above this middleware (the toolkit's journal, rate limits and faults; the access log) see the request as
the client sent it.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class RequestLine:
    def __init__(self, app: ASGIApp, slash_routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.slash_routes = slash_routes  # the routes whose paths forgive a trailing slash: the vendors'

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        changes: dict[str, object] = {}
        if scope["method"] == "HEAD":
            changes["method"] = "GET"
        if slash_written(scope):
            trimmed = {**scope, **changes, "path": scope["path"][:-1]}
            if "raw_path" in scope:
                trimmed["raw_path"] = scope["raw_path"][:-1]
            if _reaches(self.slash_routes, trimmed):
                changes = trimmed
        # A copy: the server's own scope (its access log) keeps the request line as sent.
        await self.app({**scope, **changes} if changes else scope, receive, send)


def slash_written(scope: Scope) -> bool:
    """Whether the path ends in a slash the client wrote (not ``%2F``), below the root."""
    path: str = scope["path"]
    raw: bytes | None = scope.get("raw_path")
    return len(path) > 1 and path.endswith("/") and (raw is None or raw.endswith(b"/"))


def headless(send: Send) -> Send:
    """``send`` for a HEAD: the answer's status and headers as they are, every body chunk empty."""

    async def without_body(message: Message) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return without_body


def _reaches(routes: Sequence[BaseRoute], scope: Scope) -> bool:
    """Whether a route (not just a Mount around routes) takes this path."""
    for route in routes:
        match, child = route.matches(scope)
        if match is Match.NONE:
            continue
        if not isinstance(route, Mount) or _reaches(route.routes, {**scope, **child}):
            return True
    return False
