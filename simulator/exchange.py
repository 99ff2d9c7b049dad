"""The toolkit in front of every vendor's routes: journal, rate limits and faults, the same for every vendor.

A vendor request is located (sandbox, vendor, account, path below the account's base), its body buffered (up to
the body cap) so rules can match on the items it names, then: rate limit, faults decided before the request,
the vendor's own handling, faults applied after it ("lost response"), and a journal entry for all of it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulator.jsonbody import MalformedJson, decode_json
from simulator.masking import COMMON, Carriers
from simulator.requestline import slash_written
from simulator.sandboxes import DEFAULT, Sandbox, UnknownSandbox
from simulator.toolkit import sockets
from simulator.toolkit.faults import Decision, Facts
from simulator.toolkit.ratelimit import limit_for
from simulator.toolkit.recorded import JOURNAL_BODY_BYTES, Recorded
from simulator.toolkit.rules import (
    Action,
    Drop,
    Empty,
    Hang,
    Malformed,
    RateLimited,
    Reset,
    Respond,
    Truncate,
)
from simulator.vendors.base import FAIL_ITEMS, SANDBOX, Vendor

RAW_SEND = "stocksim.raw_send"
MAX_ITEMS = 100_000


class ConnectionDropped(Exception):
    """Raised in process, where there is no socket to close, for drop, reset and hang faults."""


class Toolkit:
    def __init__(self, app: ASGIApp, vendors: Mapping[str, Vendor], carriers: Carriers = COMMON) -> None:
        self.app = app
        self.vendors = vendors
        self.carriers = carriers  # what the journal masks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        exchange = self.exchange(scope, receive, send) if scope["type"] == "http" else None
        if exchange is None:
            await self.app(scope, receive, send)
        else:
            await exchange.run()

    def exchange(self, scope: Scope, receive: Receive, send: Send) -> Exchange | None:
        """The exchange for a vendor request in a sandbox that exists; None for any other request (the vendor
        answers an unknown sandbox with its own 404, the app's routes everything else)."""
        located = self._locate(scope)
        if located is None:
            return None
        name, vendor, account, path = located
        state = scope["app"].state
        try:
            sandbox: Sandbox = state.sandboxes.get(name)
        except UnknownSandbox:
            return None
        scope[SANDBOX] = sandbox  # the vendor acts on this very sandbox, even if its name is reused meanwhile
        limit: int = state.settings.max_body_bytes
        return Exchange(self.app, scope, receive, send, sandbox, vendor, account, path, limit, self.carriers)

    def _locate(self, scope: Scope) -> tuple[str, Vendor, str | None, str] | None:
        parts = scope["path"].split("/")
        sandbox = DEFAULT
        if len(parts) > 3 and parts[1] == "sandboxes":
            sandbox, parts = parts[2], [""] + parts[3:]
        vendor = self.vendors.get(parts[1]) if len(parts) > 1 else None
        if vendor is None:
            return None
        if vendor.account_query is not None:
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            return sandbox, vendor, query.get(vendor.account_query), "/" + "/".join(parts[2:])
        account = parts[2] if len(parts) > 2 else None
        return sandbox, vendor, account, "/" + "/".join(parts[3:])


class Exchange(Recorded):
    """One vendor request on its way through the toolkit, and then its record in the journal: the fields of a
    ``Recorded`` are filled in as the request goes, and once it is answered the request's own objects (scope, app,
    callables, sandbox) are let go and the exchange itself is journaled. Measured (callgrind): making a separate
    record of 19 fields took 14k instructions a request, about a third of the idle toolkit.

    The body is not read ahead of the vendor (vendors refuse bad credentials before reading it); the journal
    records it as it is read. Only a rule that matches on items, or an answer that skips the vendor, reads it here.
    """

    __slots__ = (
        "app",
        "scope",
        "send",
        "sandbox",
        "api",
        "limit",
        "_upstream",
        "_replay",
        "request_chunks",
        "body_done",
        "response_chunks",
        "response_size",
    )
    # What _journal lets go: mypyc (bench/compiled.py measures the request path compiled) deletes only these.
    __deletable__ = ["app", "scope", "send", "_upstream", "sandbox", "_replay", "request_chunks", "response_chunks"]

    def __init__(
        self,
        app: ASGIApp,
        scope: Scope,
        receive: Receive,
        send: Send,
        sandbox: Sandbox,
        vendor: Vendor,
        account: str | None,
        path: str,
        limit: int,
        carriers: Carriers = COMMON,
    ) -> None:
        self.app, self.scope, self.send, self._upstream = app, scope, send, receive
        self.sandbox, self.api, self.limit = sandbox, vendor, limit
        self._replay: list[Message] = []
        # What the journal records, as it becomes known (recorded.py decodes and masks it all when read).
        self.id, self.at, self.vendor, self.account, self.path = (
            sandbox.journal.new_id(),
            sandbox.clock.now(),
            vendor.name,
            account,
            path,
        )
        self.carriers = carriers
        self.request_chunks: list[bytes] = []
        self.body_size = 0
        self.body_done = False
        self.status: int | None = None
        self.response_headers: list[tuple[bytes, bytes]] = []
        self.response_chunks: list[bytes] = []
        self.response_size = 0
        self.outcome = "response"  # or dropped, reset, hung, truncated
        self.fault: str | None = None
        self.faults_fired: list[str] = []

    async def receive(self) -> Message:
        # Messages read ahead (read_body) were recorded when they arrived: replaying them records nothing again.
        if self._replay:
            return self._replay.pop(0)
        return self._record_request(await self._upstream())

    def _record_request(self, message: Message) -> Message:
        if message["type"] == "http.request":
            chunk = message.get("body", b"")
            if self.body_size < JOURNAL_BODY_BYTES:
                self.request_chunks.append(chunk)
            self.body_size += len(chunk)
            self.body_done = not message.get("more_body", False)
        return message

    async def read_body(self) -> bytes:
        """Read the body (up to the cap) ahead of the vendor, keeping the messages for the vendor to read again.
        Reads from the server, never from the replay queue: that would take back the message just queued."""
        while not self.body_done and self.body_size <= self.limit:
            message = self._record_request(await self._upstream())
            self._replay.append(message)
            if message["type"] != "http.request":
                break
        return b"".join(self.request_chunks)

    async def run(self) -> None:
        started = time.perf_counter()
        sandbox = self.sandbox
        try:
            if not sandbox.faults.rules and not sandbox.scenario.spec.rate_limits:
                # Nothing configured (the usual case): no limit to look up, no decision to make.
                await self.app(self.scope, self.receive, self._recording_send)
            else:
                await self._handle()
        except ConnectionDropped:
            raise  # in process, a fault that closes the connection: there is nobody to answer
        except Exception:
            # As Starlette's error middleware would (the app may call run() without it, app.SimulatorApp): the
            # client gets a 500 if nothing was sent yet, the journal records it, the server logs the error.
            if self.status is None:
                await self._respond(PlainTextResponse("Internal Server Error", status_code=500))
            raise
        finally:
            self._journal(started)

    def _journal(self, started: float) -> None:
        """Complete the record and journal it, keeping none of the request's objects (the journal would hold every
        sandbox's scope, app and callables alive, and the sandbox itself in a cycle)."""
        scope = self.scope
        client = scope.get("client")
        self.method, self.query_string, self.headers = scope["method"], scope.get("query_string", b""), scope["headers"]
        self.client = client[0] if client else None
        self.body, self.response_body = _kept(self.request_chunks), _kept(self.response_chunks)
        self.latency_ms = (time.perf_counter() - started) * 1000  # rounded when read
        self.measure()
        journal = self.sandbox.journal
        del self.app, self.scope, self.send, self._upstream, self.sandbox, self._replay
        del self.request_chunks, self.response_chunks
        journal.add(self)

    async def _handle(self) -> None:
        retry_after = self._rate_limited()
        if retry_after is not None:
            self.fault = "rate-limit"
            await self.read_body()  # for the journal: the vendor will not read it
            await self._respond(self.api.error_response(429, "Too many requests", {"Retry-After": str(retry_after)}))
            return
        decision = await self._decide()
        self.faults_fired = decision.fired
        if decision.latency:
            await asyncio.sleep(decision.latency)
        if decision.fail_items:
            self.scope[FAIL_ITEMS] = decision.fail_items
        if decision.action is None:
            await self.app(self.scope, self.receive, self._recording_send)
            return
        self.fault = decision.rule_id
        if decision.phase == "after":
            # The lost response: the request is applied, then what the client gets is spoiled.
            captured = _Captured()
            await self.app(self.scope, self.receive, captured.send)
            await self._act(decision.action, captured)
        else:
            await self.read_body()
            await self._act(decision.action, None)

    def _rate_limited(self) -> int | None:
        limit = limit_for(self.sandbox.scenario.spec.rate_limits, self.vendor, self.account)
        if limit is None:
            return None
        credential = self._credential()
        return self.sandbox.buckets.take(limit, self.account, credential, self.sandbox.clock.now())

    def _credential(self) -> str:
        """What the client signed in with, in the vendor's carriers: its rate limits count per credential."""
        carriers = self.api.credentials
        headers = dict(self.scope["headers"])
        query = dict(parse_qsl(self.scope.get("query_string", b"").decode("latin-1")))
        return "\0".join(
            [
                *(headers.get(name.encode("latin-1"), b"").decode("latin-1") for name in sorted(carriers.headers)),
                *(query.get(name, "") for name in sorted(carriers.query)),
            ]
        )

    async def _decide(self) -> Decision:
        faults = self.sandbox.faults
        if not faults.rules:
            return Decision()
        # A rule on a path catches it with a trailing slash too: the vendor answers both alike (requestline.py).
        path = self.path[:-1] if slash_written(self.scope) and self.path != "/" else self.path
        items = _items(path, await self.read_body() if faults.wants_items else b"")
        facts = Facts(self.vendor, self.account, self.scope["method"], path, items)
        return faults.decide(facts, self.sandbox.clock.now())

    def _recording_send(self, message: Message) -> Awaitable[None]:
        # A plain function that hands back the server's own awaitable: recording needs nothing after the send, and
        # a coroutine of its own here was a frame and a layer of awaiting on every message of every answer.
        kind = message["type"]
        if kind == "http.response.start":
            self.status = message["status"]
            self.response_headers = message.get("headers", [])
        # What the client got: an answer to a HEAD goes out without its body (app.SimulatorApp).
        elif (
            kind == "http.response.body" and self.response_size < JOURNAL_BODY_BYTES and self.scope["method"] != "HEAD"
        ):
            chunk = message.get("body", b"")
            self.response_chunks.append(chunk)
            self.response_size += len(chunk)
        return self.send(message)

    async def _respond(self, response: Response) -> None:
        await response(self.scope, self.receive, self._recording_send)

    async def _act(self, action: Action, captured: _Captured | None) -> None:
        if isinstance(action, Respond):
            phrase = action.message or HTTPStatus(action.status).phrase
            headers = {"Retry-After": str(action.retry_after)} if action.retry_after is not None else {}
            await self._respond(self.api.error_response(action.status, phrase, headers))
        elif isinstance(action, RateLimited):
            headers = {"Retry-After": str(action.retry_after)}
            await self._respond(self.api.error_response(429, "Too many requests", headers))
        elif isinstance(action, Drop | Reset):
            await self._close(reset=isinstance(action, Reset))
        elif isinstance(action, Empty):
            await self._raw(action.status, [(b"content-type", b"application/json")], b"")
        elif isinstance(action, Malformed):
            body = captured.body if captured and captured.body else b'{"status": "ok", "message": "Servi'
            await self._raw(action.status, [(b"content-type", b"application/json")], body[: max(1, len(body) // 2)])
        elif isinstance(action, Truncate):
            await self._truncate(action, captured)
        elif isinstance(action, Hang):
            await self._hang(action.seconds)

    async def _raw(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        headers = [*headers, (b"content-length", str(len(body)).encode())]
        await self._recording_send({"type": "http.response.start", "status": status, "headers": headers})
        await self._recording_send({"type": "http.response.body", "body": body, "more_body": False})

    async def _truncate(self, action: Truncate, captured: _Captured | None) -> None:
        if captured is not None:
            status, body = captured.status or 200, captured.body
            headers = [(k, v) for k, v in captured.headers if k.lower() != b"content-length"]
        else:
            response = self.api.error_response(503, "Service Unavailable", {})
            status, body = 503, bytes(response.body)
            headers = [(k, v) for k, v in response.raw_headers if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await self._recording_send({"type": "http.response.start", "status": status, "headers": headers})
        await self._recording_send(
            {"type": "http.response.body", "body": body[: int(len(body) * action.fraction)], "more_body": True}
        )
        self.outcome = "truncated"
        await self._close(reset=False, outcome="truncated")

    async def _close(self, *, reset: bool, outcome: str | None = None) -> None:
        self.outcome = outcome or ("reset" if reset else "dropped")
        if not sockets.close(self.scope.get(RAW_SEND), reset=reset):
            raise ConnectionDropped(f"fault: connection {self.outcome} (in process, no socket to close)")
        await _until_disconnected(self.receive, timeout=5)

    async def _hang(self, seconds: float) -> None:
        self.outcome = "hung"
        if sockets.transport_of(self.scope.get(RAW_SEND)) is None:
            raise ConnectionDropped("fault: hang (in process, no socket to hold open)")
        if await _until_disconnected(self.receive, timeout=seconds):
            return
        await self._close(reset=False, outcome="hung")


class _Captured:
    def __init__(self) -> None:
        self.status: int | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))


async def _until_disconnected(receive: Receive, timeout: float) -> bool:
    try:
        async with asyncio.timeout(timeout):
            while (await receive())["type"] != "http.disconnect":
                pass
    except TimeoutError:
        return False
    return True


def _kept(chunks: list[bytes]) -> bytes:
    """What the journal keeps of a body: its first JOURNAL_BODY_BYTES and one byte more (so the entry knows it was
    cut), never a whole large chunk."""
    if len(chunks) == 1:
        body = chunks[0]  # the usual case: one chunk, kept as it is unless it is long
        return body if len(body) <= JOURNAL_BODY_BYTES else body[: JOURNAL_BODY_BYTES + 1]
    body = b"".join(chunks)  # none (b""), or several
    return body if len(body) <= JOURNAL_BODY_BYTES else body[: JOURNAL_BODY_BYTES + 1]


def _items(path: str, body: bytes) -> frozenset[str]:
    found = {segment for segment in path.split("/") if segment}
    if body:
        try:
            data = decode_json(body)
        except MalformedJson:
            data = None
        _walk(data, found)
    return frozenset(found)


def _walk(data: Any, found: set[str]) -> None:
    stack = [data]
    while stack and len(found) < MAX_ITEMS:
        value = stack.pop()
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            found.update(k for k in value if isinstance(k, str))
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
