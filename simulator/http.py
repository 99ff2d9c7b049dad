"""HTTP helpers shared by every vendor: bounded body reading, JSON content types, msgspec responses."""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import msgspec
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from simulator.numbers import exceeds, is_digits

_encoder = msgspec.json.Encoder()


def any_path(routes: Iterable[BaseRoute]) -> None:
    """Starlette's ``path`` convertor is ``.*``, which stops at a decoded newline (``%0A``): a SKU with a control
    character would then miss every route (Mount appends ``{path:path}`` too) and get a plain-text 404 instead of the
    vendor's own error. Recompiled with DOTALL, ``.*`` is ``[\\s\\S]*``; no other convertor's regex has a dot. Done to
    our own routes only: registering a convertor would change every Starlette app in the process (a user's own,
    once the pytest plugin loads this module)."""
    for route in routes:
        if isinstance(route, Route | Mount):
            route.path_regex = re.compile(route.path_regex.pattern, route.path_regex.flags | re.DOTALL)
        if isinstance(route, Mount):
            any_path(route.routes)


# A Host header as RFC 9110 allows it: a DNS name, an IPv4 address or a bracketed IPv6 one, and an optional port.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"(?:{_LABEL}(?:\.{_LABEL})*\.?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{{1,5}})?")


class VendorRoute(Route):
    """A vendor route: it takes every method (TRACE, CONNECT and made-up ones too), so that the vendor's handler
    answers those it does not take with its own 405 rather than Starlette with the control plane's. Made without
    per-route middleware, so the vendor lane (lane.py) may call its endpoint itself when that is a coroutine
    function (``direct``)."""

    def __init__(self, path: str, endpoint: Callable[[Request], Awaitable[Response]]) -> None:
        super().__init__(path, endpoint)
        self.methods = None  # given none, Starlette makes a function endpoint GET-only
        self.direct = inspect.iscoroutinefunction(endpoint)


def any_method(path: str, endpoint: Callable[[Request], Awaitable[Response]]) -> Route:
    return VendorRoute(path, endpoint)


def root_url(request: Request) -> str:
    """The server's root as this client reaches it, for URLs the simulator hands out (root_url, base_url, the OpenAPI
    documents' servers). The Host header is the client's own text: it is used only when it is a well-formed host
    (and port), else the address the connection came in on stands in, so a hostile Host never reaches an answer."""
    scope = request.scope
    host = request.headers.get("host", "")
    if len(host) > 255 or not _HOST.fullmatch(host):
        address, port = scope.get("server") or ("127.0.0.1", None)
        address = f"[{address}]" if ":" in address else address
        host = address if port is None else f"{address}:{port}"
    scheme = "https" if scope.get("scheme") == "https" else "http"
    # The application's own root path: a Mount (/_sim) extends root_path for the routes below it.
    root_path = scope.get("app_root_path", scope.get("root_path", ""))
    return f"{scheme}://{host}{root_path}".rstrip("/")


def header(request: Request, name: bytes) -> str | None:
    """The first header called ``name`` (lower case, as servers give them), as ``request.headers.get`` reads it,
    without a ``Headers`` made for the request nor, for a header that is absent, a KeyError made and caught
    (``Mapping.get``): vendor requests read two or three headers each."""
    headers: list[tuple[bytes, bytes]] = request.scope["headers"]
    for key, value in headers:
        if key == name:
            return value.decode("latin-1")
    return None


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"request body exceeds {limit} bytes")
        self.limit = limit


READ_BODY = "stocksim.body"


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refusing as soon as it passes ``limit`` (without buffering the rest).

    Read from the request's ``receive`` as Starlette's ``Request.stream`` reads it (a disconnect midway is
    ClientDisconnect), without its async generator and its ``hasattr`` probe (an AttributeError made on every call);
    kept in the scope, so a second reading gets the same bytes rather than waiting for messages that never come."""
    scope = request.scope
    kept: bytes | None = scope.get(READ_BODY)
    if kept is not None:
        return kept
    declared = header(request, b"content-length")
    if declared is not None and is_digits(declared) and exceeds(declared, limit):
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    receive = request.receive
    while True:
        message = await receive()
        kind = message["type"]
        if kind == "http.request":
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge(limit)
            if chunk:
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        elif kind == "http.disconnect":
            raise ClientDisconnect()
    body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    scope[READ_BODY] = body
    return body


def media_type(request: Request) -> str | None:
    raw = header(request, b"content-type")
    if raw is None:
        return None
    return raw.split(";", 1)[0].strip().lower()


def is_json_type(value: str | None) -> bool:
    return value is not None and (value == "application/json" or value.endswith("+json"))


def json_response(content: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    if status_code == 200 and headers is None:
        return _Json200(_encoder.encode(content))
    return Response(_encoder.encode(content), status_code=status_code, headers=headers, media_type="application/json")


class _Json200(Response):
    """A 200 with a JSON body and no headers of its own, the answer to almost every vendor call: the headers Starlette's
    Response would make for it (tests/test_http.py holds them equal), made without its general path."""

    media_type = "application/json"

    def __init__(self, body: bytes) -> None:
        self.status_code = 200
        self.background = None
        self.body = body
        self.raw_headers = [
            (b"content-length", str(len(body)).encode("latin-1")),
            (b"content-type", b"application/json"),
        ]
