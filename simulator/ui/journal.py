"""The live journal: the sandbox's requests, newest first, filtered like GET /_sim/journal; new ones arrive over
server-sent events; one entry in full (request and response, credentials masked as the journal keeps them) with
its request as a curl command.

The journal lives in memory and has no way to announce a new entry, so each open stream looks at it every
``POLL_SECONDS`` (a copy of a bounded list: microseconds). A stream ends after ``STREAM_SECONDS`` and the browser
reconnects on its own, resuming after the ``Last-Event-ID`` it saw: a server stopping waits for no tab.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from simulator.clock import iso
from simulator.control import routes as control
from simulator.control import toolkit as control_toolkit
from simulator.plane.calls import call
from simulator.plane.errors import ControlError, NotFound
from simulator.plane.params import sandbox_param, sandboxes_of
from simulator.sandboxes import Sandbox, UnknownSandbox
from simulator.toolkit.journal import selects
from simulator.toolkit.journal_entry import Entry
from simulator.ui import curl, render, security
from simulator.vendors.base import vendor_named, vendors_of

FILTERS = ("vendor", "account", "method", "status", "fault")
SHOWN = 200
POLL_SECONDS = 0.1
KEEPALIVE_SECONDS = 5.0
STREAM_SECONDS = 15.0
RETRY_MS = 500


def _filters(request: Request) -> dict[str, str]:
    q = request.query_params
    found = {k: q[k].strip() for k in FILTERS if q.get(k, "").strip()}
    if "fault" in found:
        found["fault"] = "true" if found["fault"] in ("1", "true", "yes") else "false"
    return found


async def page(request: Request) -> Response:
    sandbox = sandbox_param(request, request.path_params["name"])
    filters = _filters(request)
    # Taken before the listing: an entry that arrives in between is in both, and the page shows it once.
    last = max((r.id for r in sandbox.journal.recorded()), default=0)
    error = None
    try:
        answer = await call(
            control_toolkit.journal, request, query={"sandbox": sandbox.name, **filters, "limit": str(SHOWN)}
        )
        entries, total = answer.data["entries"][::-1], answer.data["total"]
    except ControlError as exc:
        entries, total, error = [], 0, exc.message
    context = {
        "title": "Journal",
        "entries": [_summary(request, sandbox, e) for e in entries],
        "total": total,
        "filters": filters,
        "error": error,
        "accounts": sorted({a.account for v in vendors_of(request) for a in v.accounts(sandbox.scenario)}),
        "stream": render.link(request, f"/sandboxes/{sandbox.name}/journal/stream", **filters, after=last),
        "shown": SHOWN,
    }
    return render.page(request, "journal.html", context, sandbox=sandbox)


async def entry(request: Request) -> Response:
    sandbox = sandbox_param(request, request.path_params["name"])
    raw = request.path_params["entry"]
    kept = next((r for r in sandbox.journal.recorded() if str(r.id) == raw), None)
    found = kept.entry() if kept is not None else None
    if found is None:
        raise NotFound(f"no journal entry {raw!r} in sandbox {sandbox.name!r} (the journal keeps the latest ones)")
    data = _builtins(found)
    root = (await call(control.apis, request, query={"sandbox": sandbox.name})).data["root_url"]
    url = curl.entry_url(root, vendor_named(request, found.vendor), data)
    context = {"title": f"Request #{found.id}", "entry": data, "url": url, "curl": curl.for_entry(url, data)}
    return render.page(request, "entry.html", context, sandbox=sandbox)


async def clear(request: Request) -> Response:
    await security.checked_form(request, 4096)
    sandbox = sandbox_param(request, request.path_params["name"])
    await call(control_toolkit.journal_clear, request, method="DELETE", query={"sandbox": sandbox.name})
    return render.redirect(request, render.link(request, f"/sandboxes/{sandbox.name}/journal"), "Journal cleared")


async def stream(request: Request) -> Response:
    sandbox = sandbox_param(request, request.path_params["name"])
    filters = _filters(request)
    # The journal endpoint judges the filters (an unknown method, a status that is not a number) as the API does.
    await call(control_toolkit.journal, request, query={"sandbox": sandbox.name, **filters, "limit": "0"})
    resume = request.headers.get("last-event-id") or request.query_params.get("after") or "0"
    last = int(resume) if resume.isascii() and resume.isdigit() and len(resume) < 19 else 0
    status = int(filters["status"]) if "status" in filters else None
    fault = None if "fault" not in filters else filters["fault"] == "true"

    def poll() -> tuple[str, bool]:
        """New matching entries as events; True once the sandbox is gone (deleted, perhaps made anew)."""
        nonlocal last
        try:
            if sandboxes_of(request).get(sandbox.name) is not sandbox:
                return "event: gone\ndata: {}\n\n", True
        except UnknownSandbox:
            return "event: gone\ndata: {}\n\n", True
        chunks = []
        for kept in sandbox.journal.recorded():
            if kept.id <= last:
                continue
            last = kept.id
            e = kept.entry()  # only the entries new since the last poll are decoded
            if selects(
                e, filters.get("vendor"), filters.get("account"), filters.get("method"), None, status, None, fault
            ):
                payload = msgspec.json.encode(_summary(request, sandbox, _builtins(e))).decode()
                chunks.append(f"id: {e.id}\ndata: {payload}\n\n")
        return "".join(chunks), False

    return EventStream(poll)


class EventStream(Response):
    """text/event-stream fed by ``poll``; ends when the client leaves, the sandbox goes, or the stream's time is up."""

    media_type = "text/event-stream"

    def __init__(self, poll: Callable[[], tuple[str, bool]]) -> None:
        # Not Response.__init__: it would set a body, and with it a Content-Length, on a stream with no end known.
        self.status_code = 200
        self.background = None
        self.poll = poll
        # X-Accel-Buffering: nginx and friends pass each event on at once.
        self.init_headers({**security.HEADERS, "Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        left = asyncio.Event()

        async def watch() -> None:
            message: Message = {"type": ""}
            while message["type"] != "http.disconnect":
                message = await receive()
            left.set()

        watcher = asyncio.create_task(watch())
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            await self._events(send, left)
        except OSError:
            pass  # the client went away mid-send
        finally:
            watcher.cancel()

    async def _events(self, send: Send, left: asyncio.Event) -> None:
        await self._send(send, f"retry: {RETRY_MS}\n\n")
        start = quiet = time.monotonic()
        while not left.is_set() and time.monotonic() - start < STREAM_SECONDS:
            chunk, done = self.poll()
            if not chunk and time.monotonic() - quiet > KEEPALIVE_SECONDS:
                chunk = ": keep-alive\n\n"
            if chunk:
                await self._send(send, chunk)
                quiet = time.monotonic()
            if done:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(left.wait(), POLL_SECONDS)
        if not left.is_set():
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    @staticmethod
    async def _send(send: Send, text: str) -> None:
        await send({"type": "http.response.body", "body": text.encode("utf-8"), "more_body": True})


def _builtins(e: Entry) -> dict[str, Any]:
    data: dict[str, Any] = msgspec.to_builtins(e)
    data["time"] = iso(e.at)
    return data


def _summary(request: Request, sandbox: Sandbox, e: dict[str, Any]) -> dict[str, Any]:
    """A journal row: what the table shows, and where the entry opens."""
    return {
        "id": e["id"],
        "time": e["time"],
        "vendor": e["vendor"],
        "account": e.get("account"),
        "method": e["method"],
        "path": e["path"],
        "status": e.get("status"),
        "latency_ms": round(e.get("latency_ms") or 0.0, 1),
        "outcome": e.get("outcome", "response"),
        "fault": e.get("fault"),
        "faults_fired": e.get("faults_fired") or [],
        "href": render.link(request, f"/sandboxes/{sandbox.name}/journal/{e['id']}"),
    }
