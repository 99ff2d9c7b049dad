"""The vendor lane (simulator/lane.py) answers exactly as Starlette's routers would: the same requests, sent in the same
order to an app with the lane and to one whose lane never engages, get the same status, headers and body; and the
lane does engage for ordinary vendor requests (or the comparison would prove nothing)."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

from simulator.http import VendorRoute
from simulator.lane import VendorLane, _reach
from tests.support import app_for, basic, in_process, served

merchantpro_routes = importlib.import_module("simulator.vendors.merchantpro.routes")

pytestmark = pytest.mark.anyio

MP = "/merchantpro/demo/api/v2/inventory"
MP_AUTH = basic("demo-api-key", "demo-api-secret")
IL_AUTH = basic("demo", "demo-ilevel-api-key")
CENTRA_AUTH = {"API-Authorization": "demo-centra-api-token"}
KC = "account=demo-account&integration=demo-queue&apikey=demo-apikey"
JSON = {"Content-Type": "application/json"}
CENTRA_JSON = {**CENTRA_AUTH, **JSON}

# (method, path, headers, body): every vendor's calls, good and bad, in and out of sandboxes.
REQUESTS: list[tuple[str, str, dict[str, str], bytes]] = [
    ("GET", f"{MP}/id/10001", MP_AUTH, b""),
    ("HEAD", f"{MP}/id/10001", MP_AUTH, b""),
    ("PATCH", f"{MP}/id/10001", {**MP_AUTH, **JSON}, b'{"stock": {"adjust_by": 2}}'),
    ("GET", f"{MP}/id/10001", MP_AUTH, b""),
    ("PATCH", f"{MP}/id/10001", {**MP_AUTH, **JSON}, b'{"stock": '),
    ("PATCH", f"{MP}/id/10001", {**MP_AUTH, "Content-Type": "text/plain"}, b"{}"),
    ("DELETE", f"{MP}/id/10001", MP_AUTH, b""),
    ("GET", f"{MP}/id/99999999", MP_AUTH, b""),
    ("GET", f"{MP}/sku/%0Anope", MP_AUTH, b""),
    ("GET", f"{MP}/colour/10001", MP_AUTH, b""),
    ("GET", f"{MP}/id/10001", basic("demo-api-key", "wrong"), b""),
    ("GET", f"{MP}/id/10001", {}, b""),
    ("GET", f"{MP}/id/10001/", MP_AUTH, b""),
    ("GET", "/merchantpro/nope/api/v2/inventory/id/10001", MP_AUTH, b""),
    ("GET", "/merchantpro/demo/api/v2/other", MP_AUTH, b""),
    ("GET", "/merchantpro/", MP_AUTH, b""),
    ("GET", "/merchantpro", MP_AUTH, b""),
    ("GET", f"/sandboxes/default{MP}/id/10001", MP_AUTH, b""),
    ("GET", f"/sandboxes/nope{MP}/id/10001", MP_AUTH, b""),
    ("PATCH", f"/sandboxes/default{MP}/id/10001", {**MP_AUTH, **JSON}, b'{"stock": {"set_to": 7}}'),
    ("GET", "/ilevel/demo/api/stock", IL_AUTH, b""),
    ("GET", "/ilevel/demo/api/warehouse", IL_AUTH, b""),
    (
        "POST",
        "/ilevel/demo/api/batchStock?warehouse_id=1571945CAB99744086F9FDFC9D9332D5",
        {**IL_AUTH, **JSON},
        b'[{"variant_id": "0A5EEDAF16F8D54486AB2AD7474B3994", "inStock": 4}]',
    ),
    ("PUT", "/ilevel/demo/api/batchStock", IL_AUTH, b""),
    ("GET", "/ilevel/demo/api/stock", basic("demo", "wrong"), b""),
    ("GET", "/centra/demo/stock", CENTRA_AUTH, b""),
    ("POST", "/centra/demo/stock", CENTRA_JSON, b'{"products": [{"ean": "1234567890123", "quantity": 4}]}'),
    ("POST", "/centra/demo/stock/", CENTRA_JSON, b'{"products": [{"ean": "9876543210123", "quantity": 1}]}'),
    ("PATCH", "/centra/demo/stock", CENTRA_AUTH, b""),
    ("GET", "/centra/demo/stock", {"API-Authorization": "wrong"}, b""),
    ("GET", "/centra/demo/nope", CENTRA_AUTH, b""),
    ("POST", f"/ka-ching/imports/stock?{KC}", JSON, b'{"stock": [{"product_id": "nope", "quantity": 1}]}'),
    ("POST", f"/ka-ching/imports/stock?{KC}", JSON, b"[1, 2"),
    ("GET", f"/ka-ching/info?{KC}", {}, b""),
    ("GET", "/ka-ching/imports/stock?account=demo-account", {}, b""),
    ("GET", "/ka-ching/nope", {}, b""),
]

# What varies between two apps by time or by chance, not by the lane.
VARYING = {"date", "x-request-id"}


@asynccontextmanager
async def pair() -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    async with AsyncExitStack() as stack:
        lane_app, long_app = app_for(), app_for()
        with_lane = await stack.enter_async_context(in_process(lane_app))
        the_long_way = await stack.enter_async_context(in_process(long_app))
        lane_of(long_app)._route = lambda scope: None  # type: ignore[method-assign]
        yield with_lane, the_long_way


def lane_of(app: Starlette) -> VendorLane:
    if app.middleware_stack is None:
        app.middleware_stack = app.build_middleware_stack()
    layer: Any = app.middleware_stack
    while not isinstance(layer, VendorLane):
        layer = layer.app
    return layer


def answer(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = sorted((k, v) for k, v in response.headers.multi_items() if k not in VARYING)
    return response.status_code, headers, response.content


async def test_both_lanes_answer_every_request_alike() -> None:
    async with pair() as (with_lane, the_long_way):
        for method, path, headers, body in REQUESTS:
            got = [
                answer(await client.request(method, path, headers=headers, content=body))
                for client in (with_lane, the_long_way)
            ]
            assert got[0] == got[1], (method, path)
        # The journals agree too (the toolkit, above the lane, records the request as the client sent it).
        journals = [(await c.get("/_sim/journal")).json() for c in (with_lane, the_long_way)]
        entries = [[(e["method"], e["path"], e["status"], e["response_body"]) for e in j["entries"]] for j in journals]
        assert entries[0] == entries[1]
        assert len(entries[0]) >= len(REQUESTS) - 3


def scope_for(path: str, method: str = "GET", root_path: str = "") -> Scope:
    return {"type": "http", "method": method, "path": path, "root_path": root_path, "headers": [], "query_string": b""}


async def test_the_lane_takes_vendor_endpoints_and_leaves_the_rest() -> None:
    app = app_for()
    async with in_process(app):
        lane = lane_of(app)
        taken = [
            f"{MP}/id/10001",
            f"/sandboxes/default{MP}/sku/A%2FB",
            "/ilevel/demo/api/batchStock",
            "/centra/demo/stock",
            "/ka-ching/imports/stock",
            "/merchantpro/demo/anything/else",  # the vendor's own unknown-path route answers it
        ]
        left = [
            f"{MP}/id/10001/",  # a trailing slash: RequestLine decides
            "/merchantpro",  # no route: the routers' 404 in the vendor's shape
            "/_sim/health",
            "/",
            "/sandboxes/default/_sim/health",
            "/nope/x",
        ]
        for path in taken:
            assert lane._route(scope_for(path)) is not None, path
        for path in left:
            assert lane._route(scope_for(path)) is None, path
        assert lane._route(scope_for(f"{MP}/id/10001", root_path="/behind-a-proxy")) is None


async def test_a_head_reaches_the_get_and_the_journal_keeps_the_head() -> None:
    async with in_process(app_for()) as client:
        head = await client.head(f"{MP}/id/10001", headers=MP_AUTH)
        get = await client.get(f"{MP}/id/10001", headers=MP_AUTH)
        assert head.status_code == get.status_code == 200
        assert head.content == b""
        assert head.headers["content-length"] == str(len(get.content))
        entries = (await client.get("/_sim/journal")).json()["entries"]
        assert [e["method"] for e in entries] == ["HEAD", "GET"]


def test_an_unexpected_error_is_a_500_the_journal_records(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in a handler: the vendor request skips the layers above the toolkit (app.SimulatorApp._enter), so the
    exchange answers the 500 Starlette's error middleware would, and the journal keeps it."""

    def broken(*args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(merchantpro_routes, "render", broken)
    with served(app_for()) as url:
        got = httpx.get(f"{url}{MP}/id/10001", headers=MP_AUTH)
        assert (got.status_code, got.text) == (500, "Internal Server Error")
        assert got.headers["content-type"].startswith("text/plain")
        entries = httpx.get(f"{url}/_sim/journal").json()["entries"]
        assert [(e["path"], e["status"]) for e in entries] == [("/api/v2/inventory/id/10001", 500)]
        # The server goes on serving.
        monkeypatch.undo()
        assert httpx.get(f"{url}{MP}/id/10001", headers=MP_AUTH).status_code == 200


def test_path_parameters_are_converted_as_the_routers_convert_them() -> None:
    """String and path parameters stay the matched text (their convertors give it back); others convert."""

    async def echo(request: Request) -> Response:
        return Response()

    route = VendorRoute("/v/{shop}/{n:int}/{rest:path}", echo)
    found = _reach([route], "/v/demo/007/a/b", "", {})
    assert found is not None and found[1] == {"shop": "demo", "n": 7, "rest": "a/b"}
    assert found[1] == route.matches({"type": "http", "path": "/v/demo/007/a/b", "method": "GET"})[1]["path_params"]
