"""HTTP helpers shared by every vendor: bounded body reading, JSON content types, msgspec responses."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import Response

from simulator.numbers import exceeds, is_digits

_encoder = msgspec.json.Encoder()


class _AnyPath(Convertor[str]):
    """Starlette's ``path`` convertor is ``.*``, which stops at a decoded newline (``%0A``): a SKU with a control
    character would then miss every route (Mount appends ``{path:path}`` too) and get a plain-text 404 instead of the
    vendor's own error. Registered under the same name, before any route is built, so Mount uses it as well."""

    regex = r"[\s\S]*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("path", _AnyPath())


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"request body exceeds {limit} bytes")
        self.limit = limit


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refusing as soon as it passes ``limit`` (without buffering the rest)."""
    declared = request.headers.get("content-length")
    if declared is not None and is_digits(declared) and exceeds(declared, limit):
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def media_type(request: Request) -> str | None:
    raw = request.headers.get("content-type")
    if raw is None:
        return None
    return raw.split(";", 1)[0].strip().lower()


def is_json_type(value: str | None) -> bool:
    return value is not None and (value == "application/json" or value.endswith("+json"))


def json_response(content: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(_encoder.encode(content), status_code=status_code, headers=headers, media_type="application/json")
