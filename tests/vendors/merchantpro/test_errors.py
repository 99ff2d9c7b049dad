"""MerchantPro's error shape (not documented: ours, pinned here) and the non-validation errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support import app_for, basic, in_process
from tests.vendors.merchantpro.conftest import DEMO, JSON

pytestmark = pytest.mark.anyio
BASE = "/merchantpro/demo/api/v2/inventory"


async def test_error_shape(client: httpx.AsyncClient) -> None:
    """Inferred (the body is not documented): `code` is the status, `name` its reason phrase, `message` ours, `field`
    the offending input. A public client shows `error.name` and `error.message` (SDx-ro/Opencart1.5-export-to-
    MerchantPro-API: `$json['error']['name']`, `$json['error']['message']`)."""
    r = await client.patch(f"{BASE}/id/10001", json={"stock": "x"}, headers={**JSON, **DEMO})
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {
        "error": {
            "code": 400,
            "name": "Bad Request",
            "message": "Invalid value for 'stock': expected a whole number from 0 to 1000000000, "
            'or {"adjust_by": n}, got the string "x"',
            "field": "stock",
        }
    }
    r = await client.get(f"{BASE}/id/99999", headers=DEMO)
    assert r.json() == {"error": {"code": 404, "name": "Not Found", "message": "Resource not found"}}


SHOP = """
merchantpro:
  shops:
    - {name: s, api_key: k, api_secret: p, auth_failures_before_forbidden: 1,
       products: [{id: 1, sku: A, stock: 3, price_net: 10}]}
rate_limits:
  - {vendor: merchantpro, capacity: 1, refill_per_second: 1}
"""


async def test_every_error_has_a_name_faults_and_rate_limits_too() -> None:
    """Each status's `name` is its reason phrase, whoever renders it: the vendor's classes, a fault, a rate limit."""
    url = "/merchantpro/s/api/v2/inventory/id/1"
    good, bad = basic("k", "p"), basic("k", "wrong")
    async with in_process(app_for(SHOP, max_body_bytes=512)) as client:
        await client.post("/_sim/clock", json={"freeze": True})
        seen: dict[int, Any] = {}
        for method, content in [("POST", b""), ("PATCH", b"{" + b" " * 1000 + b"}"), ("PATCH", b"[]")]:
            r = await client.request(method, url, content=content, headers=good)
            seen[r.status_code] = r.json()["error"]
            await client.post("/_sim/clock", json={"advance": 1})
        r = await client.get(url, headers=good)
        assert r.status_code == 200
        r = await client.get(url, headers=good)
        assert (r.status_code, r.headers["retry-after"]) == (429, "1")
        seen[429] = r.json()["error"]
        await client.post("/_sim/clock", json={"advance": 1})
        rule = {"match": {"vendor": "merchantpro"}, "when": {"first": 1}, "action": {"kind": "status", "status": 503}}
        assert (await client.post("/_sim/faults", json=rule)).status_code == 201
        seen[503] = (await client.get(url, headers=good)).json()["error"]
        await client.post("/_sim/clock", json={"advance": 1})
        seen[404] = (await client.get("/merchantpro/s/api/v2/nothing", headers=good)).json()["error"]
        await client.post("/_sim/clock", json={"advance": 1})
        seen[401] = (await client.get(url, headers=bad)).json()["error"]
        await client.post("/_sim/clock", json={"advance": 1})
        seen[403] = (await client.get(url, headers=good)).json()["error"]
    assert {status: error["name"] for status, error in seen.items()} == {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        405: "Method Not Allowed",
        413: "Content Too Large",
        429: "Too Many Requests",
        503: "Service Unavailable",
    }
    assert all(error["code"] == status and error["message"] for status, error in seen.items())
    assert seen[429]["message"] == "Too many requests"


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/id/99999",
        f"{BASE}/id/abc",
        f"{BASE}/id/-1",
        f"{BASE}/sku/NOPE",
        f"{BASE}/ean/0000000000000",
        f"{BASE}/name/TShirt.Blk.XL",
        f"{BASE}/id/",
        "/merchantpro/demo/api/v2/products/10001",
        "/merchantpro/demo/api/v1/inventory/id/10001",
    ],
)
async def test_not_found_cases(client: httpx.AsyncClient, path: str) -> None:
    r = await client.get(path, headers=DEMO)
    assert r.status_code == 404, r.text
    assert r.json()["error"]["code"] == 404


async def test_unknown_shop_and_sandbox_are_404_in_vendor_shape(client: httpx.AsyncClient) -> None:
    for path in [
        "/merchantpro/nope/api/v2/inventory/id/10001",
        "/sandboxes/nope/merchantpro/demo/api/v2/inventory/id/1",
    ]:
        r = await client.get(path, headers=DEMO)
        assert r.status_code == 404
        assert r.json()["error"]["message"].startswith("Resource not found")


async def test_patch_of_unknown_record_is_404_and_writes_nothing(client: httpx.AsyncClient) -> None:
    r = await client.patch(f"{BASE}/sku/NOPE", json={"stock": 3}, headers=DEMO)
    assert r.status_code == 404
    assert (await client.get("/_sim/state")).json()["merchantpro"]["shops"]["demo"]["total"] == 5


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS", "TRACE"])
async def test_method_not_allowed(client: httpx.AsyncClient, method: str) -> None:
    r = await client.request(method, f"{BASE}/id/10001", headers=DEMO)
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD, PATCH"
    assert r.json()["error"]["code"] == 405


async def test_body_too_large() -> None:
    async with in_process(app_for(max_body_bytes=1024)) as client:
        big = b'{"stock": 1, "pad": "' + b"x" * 2000 + b'"}'
        r = await client.patch(f"{BASE}/id/10001", content=big, headers={**JSON, **DEMO})
        assert r.status_code == 413
        assert r.json()["error"]["code"] == 413
        r = await client.get(f"{BASE}/id/10001", headers=DEMO)
        assert r.json()["stock"] == 10
