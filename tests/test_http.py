"""The app's routes take any character in a path parameter, and building the app changes no other Starlette app."""

from __future__ import annotations

import httpx
import msgspec
import pytest
from starlette.applications import Starlette
from starlette.convertors import CONVERTOR_TYPES, PathConvertor
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Message

from simulator.http import BodyTooLarge, header, json_response, read_body
from tests.support import app_for, basic, in_process

pytestmark = pytest.mark.anyio


async def test_a_newline_in_a_path_parameter_reaches_the_vendor() -> None:
    async with in_process(app_for()) as client:
        auth = basic("demo-api-key", "demo-api-secret")
        r = await client.get("/merchantpro/demo/api/v2/inventory/sku/A%0AB", headers=auth)
    assert r.status_code == 404
    assert r.json() == {"error": {"code": 404, "name": "Not Found", "message": "Resource not found"}}


async def test_another_starlette_app_keeps_starlettes_own_path_convertor() -> None:
    app_for()  # builds the app's routes, which must not register a convertor for the whole process

    async def echo(request: Request) -> Response:
        return PlainTextResponse(request.path_params["rest"])

    assert type(CONVERTOR_TYPES["path"]) is PathConvertor
    other = Starlette(routes=[Route("/files/{rest:path}", echo)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=other), base_url="http://other.test") as client:
        assert (await client.get("/files/a/b")).text == "a/b"
        # Starlette's own `.*` stops at a newline: this app answers its plain 404, as it would without us.
        assert (await client.get("/files/a%0Ab")).status_code == 404


@pytest.mark.parametrize("content", [{"id": 1, "sku": "A"}, [], {"message": "ü"}])
def test_a_plain_json_200_has_the_headers_starlettes_response_makes(content: object) -> None:
    fast = json_response(content)
    general = Response(msgspec.json.encode(content), media_type="application/json")
    assert (fast.status_code, fast.body, fast.raw_headers) == (general.status_code, general.body, general.raw_headers)
    assert fast.background is None
    assert (
        json_response(content, 201).raw_headers
        == Response(general.body, 201, media_type="application/json").raw_headers
    )


async def test_read_body_reads_every_chunk_once_and_refuses_past_the_cap() -> None:
    messages = [
        {"type": "http.request", "body": b'{"stock": ', "more_body": True},
        {"type": "http.request", "body": b"", "more_body": True},
        {"type": "http.request", "body": b"3}", "more_body": False},
    ]

    async def receive() -> Message:
        return messages.pop(0)

    request = Request({"type": "http", "method": "PATCH", "headers": [], "path": "/"}, receive)
    assert await read_body(request, 100) == b'{"stock": 3}'
    assert await read_body(request, 100) == b'{"stock": 3}'  # kept: nothing more is received
    assert messages == []

    big = [{"type": "http.request", "body": b"x" * 60, "more_body": True}] * 2

    async def more() -> Message:
        return big.pop(0)

    with pytest.raises(BodyTooLarge):
        await read_body(Request({"type": "http", "method": "PATCH", "headers": [], "path": "/"}, more), 100)
    declared = [(b"content-length", b"101")]
    with pytest.raises(BodyTooLarge):  # refused from the header, before anything is read
        await read_body(Request({"type": "http", "method": "PATCH", "headers": declared, "path": "/"}, more), 100)


async def test_read_body_raises_client_disconnect_when_the_client_leaves_midway() -> None:
    messages: list[Message] = [{"type": "http.request", "body": b"{", "more_body": True}, {"type": "http.disconnect"}]

    async def receive() -> Message:
        return messages.pop(0)

    with pytest.raises(ClientDisconnect):
        await read_body(Request({"type": "http", "method": "PATCH", "headers": [], "path": "/"}, receive), 100)


def test_header_reads_as_starlettes_headers_get() -> None:
    raw = [(b"authorization", b"Basic one"), (b"x-caf\xe9", b"caf\xe9"), (b"authorization", b"Basic two")]
    request = Request({"type": "http", "headers": raw})
    for name in ("authorization", "x-caf\xe9", "content-type"):
        assert header(request, name.encode("latin-1")) == request.headers.get(name)
    assert header(request, b"authorization") == "Basic one" and header(request, b"content-type") is None
