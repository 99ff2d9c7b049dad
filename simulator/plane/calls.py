"""The dashboard acts through the JSON control plane's own endpoints, called in process: a page shows exactly what
``/_sim/...`` answers, and a form is refused with exactly the problems (path, line, message) the API gives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import urlencode

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message

Endpoint = Callable[[Request], Awaitable[Response]]


class Answer(msgspec.Struct, frozen=True):
    status: int
    data: Any


async def call(
    endpoint: Endpoint,
    request: Request,
    *,
    method: str = "GET",
    query: Mapping[str, str | None] | None = None,
    path_params: Mapping[str, str] | None = None,
    body: bytes = b"",
    content_type: str = "application/json",
) -> Answer:
    """Run ``endpoint`` on a request made from the dashboard's; its decoded JSON answer. A ControlError the
    endpoint raises goes to the caller, which shows it."""
    headers = [(b"host", request.headers.get("host", "localhost").encode("latin-1"))]
    if body:
        headers += [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
    scope = {
        **request.scope,
        "method": method,
        "query_string": urlencode({k: v for k, v in (query or {}).items() if v is not None}).encode(),
        "path_params": dict(path_params or {}),
        "headers": headers,
    }
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    response = await endpoint(Request(scope, receive))
    raw = bytes(response.body)
    return Answer(response.status_code, msgspec.json.decode(raw) if raw else None)


def json_body(data: Any) -> bytes:
    return msgspec.json.encode(data)
