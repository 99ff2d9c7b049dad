"""For `make bench`'s instruction counts only: the simulator with the toolkit's idle path taken out.

A server started with this directory on ``PYTHONPATH`` imports it at start-up (Python's ``sitecustomize`` hook). It
replaces ``Toolkit.exchange`` with one that still finds the request's sandbox, as every vendor request needs, and
then calls the vendor lane directly: no exchange object, no receive or send recording, no journal entry, no rate
limit or fault check. The simulator's count less this one is what the toolkit costs a request with nothing
configured (issue 14: at most 5% of a PATCH). Never used outside bench/instructions.py.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from simulator import exchange as toolkit
from simulator.sandboxes import UnknownSandbox
from simulator.vendors.base import SANDBOX


class _PassThrough:
    __slots__ = ("app", "receive", "scope", "send")

    def __init__(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
        self.app, self.scope, self.receive, self.send = app, scope, receive, send

    async def run(self) -> None:
        await self.app(self.scope, self.receive, self.send)


def _exchange(self: toolkit.Toolkit, scope: Scope, receive: Receive, send: Send) -> _PassThrough | None:
    located = self._locate(scope)
    if located is None:
        return None
    try:
        scope[SANDBOX] = scope["app"].state.sandboxes.get(located[0])
    except UnknownSandbox:
        return None
    return _PassThrough(self.app, scope, receive, send)


toolkit.Toolkit.exchange = _exchange  # type: ignore[assignment, method-assign]
