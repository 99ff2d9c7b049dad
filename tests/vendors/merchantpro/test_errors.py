"""MerchantPro's error shape (not documented: ours, pinned here) and the non-validation errors."""

from __future__ import annotations

import httpx
import pytest

from tests.support import app_for, in_process
from tests.vendors.merchantpro.conftest import DEMO, JSON

pytestmark = pytest.mark.anyio
BASE = "/merchantpro/demo/api/v2/inventory"


async def test_error_shape(client: httpx.AsyncClient) -> None:
    r = await client.patch(f"{BASE}/id/10001", json={"stock": "x"}, headers={**JSON, **DEMO})
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {
        "error": {
            "code": 400,
            "message": "Invalid value for 'stock': Expected `int | object`, got `str`",
            "field": "stock",
        }
    }
    r = await client.get(f"{BASE}/id/99999", headers=DEMO)
    assert r.json() == {"error": {"code": 404, "message": "Resource not found"}}


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


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS"])
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
