"""What the simulator forgives in a request line (simulator/requestline.py): HEAD as GET without its body, on the
control plane as on every vendor (tests/vendors/test_every_vendor.py runs the vendors' suites), and one trailing
slash on a vendor's paths, as a vendor's own guide writes them and over a real socket."""

from __future__ import annotations

import socket
import types
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from starlette.routing import BaseRoute, Mount, Route

import simulator.clock
from tests.support import app_for, basic, in_process, served

pytestmark = pytest.mark.anyio

MERCHANTPRO = "/merchantpro/demo/api/v2/inventory"
MP_AUTH = basic("demo-api-key", "demo-api-secret")
CENTRA = "/centra/demo"
CENTRA_AUTH = {"API-Authorization": "demo-centra-api-token"}
# Concrete paths for the control plane's GET routes with parameters (every GET route must be listed or have none).
EXAMPLES = {
    "/_sim/sandboxes/{name}": "/_sim/sandboxes/default",
    "/_sim/openapi/{name}.json": "/_sim/openapi/control.json",
    "/_sim/openapi/{name}.yaml": "/_sim/openapi/control.yaml",
    "/_sim/ka-ching/queues/{integration}/log": "/_sim/ka-ching/queues/demo-queue/log?account=demo-account",
    "/_sim/ilevel/fail-items": "/_sim/ilevel/fail-items?tenant=demo",
}


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with in_process(app_for()) as c:
        yield c


def _get_routes(routes: list[BaseRoute], prefix: str = "") -> list[str]:
    found = []
    for route in routes:
        if isinstance(route, Mount):
            found += _get_routes(list(route.routes), prefix + route.path)
        elif isinstance(route, Route) and route.methods and "GET" in route.methods:
            found.append(prefix + route.path)
    return found


async def test_every_control_get_answers_head_with_its_status_and_headers(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # /_sim/clock reports its distance from real time, whose digits vary from one call to the next: real time
    # stands still here, so a GET and a HEAD describe the same body.
    monkeypatch.setattr(simulator.clock, "time", types.SimpleNamespace(time=lambda: 1_800_000_000.25))
    app = client._transport.app  # type: ignore[attr-defined]
    paths = [p for p in _get_routes(app.router.routes) if p.startswith("/_sim/")]
    assert len(paths) > 10
    for template in paths:
        path = EXAMPLES.get(template, template)
        assert "{" not in path, f"give {template} an example in EXAMPLES"
        got = await client.get(path)
        head = await client.head(path)
        assert got.status_code == 200, (path, got.text)
        assert (head.status_code, head.content) == (200, b""), path
        assert int(head.headers["content-length"]) == len(got.content), path
        assert head.headers["content-type"] == got.headers["content-type"], path


async def test_a_head_never_deletes_a_sandbox(client: httpx.AsyncClient) -> None:
    """/_sim/sandboxes/{name} takes GET and DELETE in one handler; a HEAD used to reach it as neither."""
    assert (await client.put("/_sim/sandboxes/kept")).status_code == 201
    head = await client.head("/_sim/sandboxes/kept")
    assert (head.status_code, head.content) == (200, b"")
    assert (await client.get("/_sim/sandboxes/kept")).status_code == 200


async def test_head_where_the_control_plane_takes_no_get_is_405(client: httpx.AsyncClient) -> None:
    r = await client.head("/_sim/reset")
    assert (r.status_code, r.headers["allow"], r.content) == (405, "POST", b"")


async def test_head_to_the_control_plane_is_refused_like_get_without_the_token() -> None:
    async with in_process(app_for(control_token="t0ken")) as c:
        got, head = await c.get("/_sim/state"), await c.head("/_sim/state")
    assert (head.status_code, head.content) == (got.status_code, b"") == (401, b"")
    assert head.headers == got.headers


async def test_a_slash_the_client_wrote_is_forgiven_an_encoded_one_is_not(client: httpx.AsyncClient) -> None:
    """A SKU cannot end in a literal "/" inside a path segment: a client encodes it (%2F), and that slash stays."""
    r = await client.get(f"{MERCHANTPRO}/sku/WMY71443LB2/", headers=MP_AUTH)
    assert (r.status_code, r.json()["sku"]) == (200, "WMY71443LB2")
    r = await client.get(f"{MERCHANTPRO}/sku/Mug%2FRed%20350ml/", headers=MP_AUTH)
    assert (r.status_code, r.json()["sku"]) == (200, "Mug/Red 350ml")
    assert (await client.get(f"{MERCHANTPRO}/sku/WMY71443LB2%2F", headers=MP_AUTH)).status_code == 404
    r = await client.patch(f"{MERCHANTPRO}/id/10001/", json={"stock": 4}, headers=MP_AUTH)
    assert (r.status_code, r.json()["stock"]) == (200, 4)


async def test_centras_pos_guide_with_its_trailing_slashes(client: httpx.AsyncClient) -> None:
    """Centra's POS guide (github.com/centrahq/api-documentation, pages/04.guides/04.pos-integration) writes
    ``GET .../api/order-api/stock/?ean=...`` and ``POST .../stock/``, with the trailing slash."""
    r = await client.get(f"{CENTRA}/stock/", params={"ean": "9876543210123"}, headers=CENTRA_AUTH)
    assert r.status_code == 200
    [product] = r.json()["products"]
    assert (product["ean"], product["physicalStock"]) == ("9876543210123", 20)
    body = {"products": [{"product": "9876543210123", "quantity": 17}]}
    r = await client.post(f"{CENTRA}/stock/", json=body, headers=CENTRA_AUTH)
    assert (r.status_code, r.json()["status"]) == (200, "ok")
    r = await client.get(f"{CENTRA}/stock", params={"ean": "9876543210123"}, headers=CENTRA_AUTH)
    assert r.json()["products"][0]["physicalStock"] == 17
    entries = (await client.get("/_sim/journal", params={"vendor": "centra"})).json()["entries"]
    assert [(e["method"], e["path"]) for e in entries] == [("GET", "/stock/"), ("POST", "/stock/"), ("GET", "/stock")]


async def test_an_account_root_keeps_its_slash(client: httpx.AsyncClient) -> None:
    """``/centra/demo/`` without its slash lies outside every route: it is answered, never redirected in a loop."""
    for path in (f"{CENTRA}/", "/sandboxes/default/centra/demo/", "/ka-ching/", "/merchantpro/demo/"):
        r = await client.get(path, headers=CENTRA_AUTH)
        assert 400 <= r.status_code < 500, path


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with served(app_for()) as url:
        yield url


def _raw(base: str, request: str) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request.encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def test_over_a_socket_head_sends_the_length_and_no_body(base: str) -> None:
    got = httpx.get(base + f"{MERCHANTPRO}/id/10001", headers=MP_AUTH)
    auth = MP_AUTH["Authorization"]
    data = _raw(
        base, f"HEAD {MERCHANTPRO}/id/10001/ HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nConnection: close\r\n\r\n"
    )
    head, _, rest = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ")
    assert f"content-length: {len(got.content)}".encode() in head.lower()
    assert rest == b""


def test_over_a_socket_a_post_with_a_trailing_slash_keeps_its_body(base: str) -> None:
    body = {"products": [{"product": "1234567890123", "quantity": 6}]}
    r = httpx.post(base + f"{CENTRA}/stock/", json=body, headers=CENTRA_AUTH)
    assert (r.status_code, r.json()["status"]) == (200, "ok")
    r = httpx.get(base + f"{CENTRA}/stock", params={"ean": "1234567890123"}, headers=CENTRA_AUTH)
    assert r.json()["products"][0]["physicalStock"] == 6
