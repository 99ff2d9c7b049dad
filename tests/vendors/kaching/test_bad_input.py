"""Every bad body the issue lists: a 400 naming where it went wrong, nothing queued, nothing applied."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.vendors.kaching.conftest import ADJUST, IMPORT, STOCK, queue_log, stock_of

pytestmark = pytest.mark.anyio

L = '$["stock_location_id"]'
P1 = f'{L}["product1"]'
CASES = [
    ("empty body", b"", "$", "The request body is empty"),
    ("whitespace body", b"  \n", "$", "The request body is empty"),
    ("malformed JSON", b'{"stock_location_id": {"product1": 7', "$", "Malformed JSON"),
    ("trailing garbage", b'{"stock_location_id": {"product1": 7}} x', "$", "Malformed JSON"),
    ("top-level array", b'[{"stock_location_id": {"product1": 7}}]', "$", "got an array"),
    ("top-level number", b"7", "$", "got a number"),
    ("top-level string", b'"stock"', "$", "got a string"),
    ("top-level null", b"null", "$", "got null"),
    ("empty object", b"{}", "$", "names no stock location"),
    ("location not an object", b'{"stock_location_id": 7}', L, "Expected an object of product id"),
    ("location empty", b'{"stock_location_id": {}}', L, "names no product"),
    (
        "unknown location",
        b'{"stock_location_id": {"product1": 7}, "nowhere": {"product1": 7}}',
        '$["nowhere"]',
        "does not exist",
    ),
    ("float", b'{"stock_location_id": {"product1": 7.5}}', P1, "a number with a fraction (7.5)"),
    ("exponent with a fraction", b'{"stock_location_id": {"product1": 1.5e-1}}', P1, "a number with a fraction"),
    ("boolean", b'{"stock_location_id": {"product1": true}}', P1, "got a boolean (true)"),
    ("string", b'{"stock_location_id": {"product1": "7"}}', P1, "got a string"),
    ("null", b'{"stock_location_id": {"product1": null}}', P1, "got null"),
    ("array", b'{"stock_location_id": {"product1": [7]}}', P1, "got an array"),
    ("huge integer", b'{"stock_location_id": {"product1": 123456789012345678901234567890}}', P1, "out of range"),
    ("too big for a count", b'{"stock_location_id": {"product1": 1000000001}}', P1, "out of range"),
    ("too small for a count", b'{"stock_location_id": {"product1": -1000000001}}', P1, "out of range"),
    ("empty variants", b'{"stock_location_id": {"product3": {}}}', f'{L}["product3"]', "names no variant"),
    (
        "nesting deeper than variants",
        b'{"stock_location_id": {"product3": {"variant1": {"x": 1}}}}',
        f'{L}["product3"]["variant1"]',
        "variants cannot have variants",
    ),
    (
        "variant float",
        b'{"stock_location_id": {"product3": {"variant1": 7, "variant2": 0.5}}}',
        f'{L}["product3"]["variant2"]',
        "a number with a fraction",
    ),
    (
        "variant boolean",
        b'{"stock_location_id": {"product3": {"variant1": false}}}',
        f'{L}["product3"]["variant1"]',
        "got a boolean (false)",
    ),
    (
        "a bad value after good ones",
        b'{"stock_location_id": {"product1": 1, "product2": 2}, "warehouse": {"product1": "x"}}',
        '$["warehouse"]["product1"]',
        "got a string",
    ),
    ("lone surrogate in a key", b'{"stock_location_id": {"\\ud800": 1}}', "$", "Malformed JSON"),
    ("quotes in keys are escaped in the path", b'{"stock_location_id": {"a\\"b": null}}', f'{L}["a\\"b"]', "got null"),
]


async def snapshot(client: httpx.AsyncClient) -> tuple[Any, ...]:
    state = (await client.get("/_sim/state?vendor=ka-ching")).json()
    found = (await client.get("/_sim/ka-ching/events")).json()["events"]
    log = await queue_log(client)
    del log["accesses"]  # a refused request is still an access, and is logged
    return state, found, log


@pytest.mark.parametrize(("name", "body", "path", "message"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("url", [STOCK, ADJUST, ("DELETE", STOCK)], ids=["post", "adjust", "delete"])
async def test_refused_whole_and_nothing_changes(
    client: httpx.AsyncClient, name: str, body: bytes, path: str, message: str, url: Any
) -> None:
    method, target = url if isinstance(url, tuple) else ("POST", url)
    before = await snapshot(client)
    r = await client.request(method, target, content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/json"
    got = r.json()
    assert set(got) == {"status", "message", "path"}
    assert got["status"] == "ERROR"
    assert got["path"] == path
    assert message in got["message"]
    assert await snapshot(client) == before
    log = await queue_log(client)
    assert log["imports"] == []
    assert [(a["method"], a["status"]) for a in log["accesses"]] == [(method, 400)]


async def test_unknown_location_is_named_and_state_unchanged(client: httpx.AsyncClient) -> None:
    before = await snapshot(client)
    r = await client.post(STOCK, json={"stock_location_id": {"product1": 7}, "shop-99": {"product1": 7}})
    assert r.status_code == 400
    assert r.json() == {
        "status": "ERROR",
        "message": "Stock location 'shop-99' does not exist; nothing was imported",
        "path": '$["shop-99"]',
    }
    assert await snapshot(client) == before


async def test_adjustment_parameter_must_be_true_or_false(client: httpx.AsyncClient) -> None:
    before = await snapshot(client)
    r = await client.post(f"{STOCK}&adjustment=1", json={"stock_location_id": {"product1": 7}})
    assert r.status_code == 400
    assert r.json() == {
        "status": "ERROR",
        "message": "The adjustment query parameter must be true or false, got '1'",
        "path": "adjustment",
    }
    assert await snapshot(client) == before
    r = await client.post(f"{STOCK}&adjustment=false", json={"stock_location_id": {"product1": 7}})
    assert r.status_code == 200
    assert (await client.get("/_sim/ka-ching/events")).json()["events"][0]["type"] == "external_reset"


async def test_declared_non_json_content_type_is_415(client: httpx.AsyncClient) -> None:
    before = await snapshot(client)
    r = await client.post(
        STOCK, content=b'{"stock_location_id": {"product1": 7}}', headers={"Content-Type": "text/csv"}
    )
    assert r.status_code == 415
    assert r.json() == {"status": "ERROR", "message": "Content-Type must be application/json, got 'text/csv'"}
    assert await snapshot(client) == before


async def test_missing_content_type_is_read_as_json(client: httpx.AsyncClient) -> None:
    r = await client.post(STOCK, content=b'{"stock_location_id": {"product1": 7}}')
    assert r.status_code == 200


async def test_body_too_large_is_413() -> None:
    from tests.support import app_for, in_process

    async with in_process(app_for(max_body_bytes=64)) as client:
        body = b'{"stock_location_id": {' + b",".join(b'"p%d": 1' % i for i in range(20)) + b"}}"
        r = await client.post(STOCK, content=body)
        assert r.status_code == 413
        assert r.json() == {"status": "ERROR", "message": "The request body is larger than 64 bytes"}
        assert (await queue_log(client))["imports"] == []


async def test_method_not_allowed_before_credentials(client: httpx.AsyncClient) -> None:
    for method in ("GET", "PUT", "PATCH"):
        r = await client.request(method, IMPORT)
        assert r.status_code == 405
        assert r.headers["allow"] == "POST, DELETE"
        assert r.json() == {"status": "ERROR", "message": f"Method {method} is not allowed here; allowed: POST, DELETE"}


async def test_unknown_paths_and_sandboxes_are_404(client: httpx.AsyncClient) -> None:
    r = await client.post(f"/ka-ching/imports/products?{STOCK.split('?')[1]}", json={})
    assert r.status_code == 404
    assert r.json() == {"status": "ERROR", "message": "Not found: /ka-ching/imports/products"}
    r = await client.post(f"/sandboxes/nope{STOCK}", json={"stock_location_id": {"product1": 1}})
    assert r.status_code == 404
    assert r.json() == {"status": "ERROR", "message": "Not found: no sandbox named 'nope'"}


async def test_whole_numbers_written_as_floats_are_counts(client: httpx.AsyncClient) -> None:
    """vendor-facts.md, "Ka-ching import endpoints are Google Cloud Functions" (ka-ching-as/ka-ching-episerver-app):
    "A JavaScript JSON parser reads `7.0` and `1e3` as the integers 7 and 1000, so the vendor cannot tell them apart
    from `7`; Python, .NET and PHP clients do send `7.0`." JSON Schema's `integer` (the OpenAPI document's Count)
    agrees. A fraction is still no count: 7.5 is refused whole."""
    body = b'{"stock_location_id": {"product1": 7.0, "product2": 1e3, "product3": {"variant1": -0.0}}}'
    r = await client.post(STOCK, content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    assert (await stock_of(client))["stock_location_id"] == {
        "product1": 7,
        "product2": 1000,
        "product3": {"variant1": 0},
    }
    r = await client.post(ADJUST, content=b'{"stock_location_id": {"product1": -30600.0}}')
    assert r.status_code == 200, r.text
    assert (await stock_of(client))["stock_location_id"]["product1"] == 7 - 30600
    r = await client.post(STOCK, content=b'{"stock_location_id": {"product1": 7.5, "product2": 1}}')
    assert r.status_code == 400
    assert r.json()["path"] == '$["stock_location_id"]["product1"]'
    assert (await stock_of(client))["stock_location_id"]["product1"] == 7 - 30600
