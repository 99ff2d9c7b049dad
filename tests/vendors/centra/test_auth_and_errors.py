"""Refusals outside the body: the API-Authorization token, unknown plugins and paths, methods, body size."""

from __future__ import annotations

import pytest

from tests.support import app_for, in_process
from tests.vendors.centra.conftest import BASE, DOC_REQUEST, TOKEN, Sim, items

pytestmark = pytest.mark.anyio
UNAUTHORIZED = {"status": "no", "msg": "Unauthorized: missing or invalid API-Authorization header"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"API-Authorization": "wrong"},
        {"API-Authorization": ""},
        {"Authorization": "demo-centra-api-token"},
        {"API-Authorization": "Bearer demo-centra-api-token"},
        {"API-Authorization": "DEMO-CENTRA-API-TOKEN"},
    ],
    ids=["missing", "wrong", "empty", "other header", "with a scheme", "other case"],
)
@pytest.mark.parametrize("method", ["GET", "POST", "PUT"])
async def test_missing_or_wrong_token_is_refused_with_401(sim: Sim, headers: dict[str, str], method: str) -> None:
    before = await items(sim.client)
    r = await sim.client.request(method, f"{BASE}/stock", json=DOC_REQUEST, headers=headers)
    assert (r.status_code, r.json()) == (401, UNAUTHORIZED)
    assert await items(sim.client) == before


async def test_the_token_is_checked_before_the_body_is_read(sim: Sim) -> None:
    r = await sim.client.post(f"{BASE}/stock", content=b"{not json")
    assert (r.status_code, r.json()) == (401, UNAUTHORIZED)


async def test_header_name_is_case_insensitive(sim: Sim) -> None:
    r = await sim.client.get(f"{BASE}/stock?limit=1", headers={"api-authorization": "demo-centra-api-token"})
    assert r.status_code == 200 and r.json()["status"] == "ok"


async def test_one_token_per_plugin() -> None:
    scenario = """
centra:
  plugins:
    - {name: eu, api_token: eu-token, items: [{stockItemId: 1, productId: 1, variantId: 1, sku: A, ean: "1"}]}
    - {name: us, api_token: us-token, items: [{stockItemId: 1, productId: 1, variantId: 1, sku: A, ean: "1"}]}
"""
    async with in_process(app_for(scenario)) as client:
        body = {"products": [{"product": "1", "quantity": 9}]}
        r = await client.post("/centra/eu/stock", json=body, headers={"API-Authorization": "us-token"})
        assert r.status_code == 401
        r = await client.post("/centra/eu/stock", json=body, headers={"API-Authorization": "eu-token"})
        assert r.json() == {"status": "ok"}
        r = await client.get("/centra/us/stock", headers={"API-Authorization": "us-token"})
        assert r.json()["products"][0]["physicalStock"] == 0  # plugins keep their own stock


async def test_unknown_plugin_and_sandbox_are_404(sim: Sim) -> None:
    r = await sim.client.post("/centra/nope/stock", json=DOC_REQUEST, headers=TOKEN)
    assert (r.status_code, r.json()) == (404, {"status": "no", "msg": "No Order API plugin named 'nope'"})
    r = await sim.client.get("/sandboxes/nope/centra/demo/stock", headers=TOKEN)
    assert (r.status_code, r.json()) == (404, {"status": "no", "msg": "no sandbox named 'nope'"})


async def test_unknown_path_is_404_after_authentication(sim: Sim) -> None:
    r = await sim.client.get(f"{BASE}/orders")
    assert r.status_code == 401
    r = await sim.client.get(f"{BASE}/orders", headers=TOKEN)
    assert (r.status_code, r.json()) == (404, {"status": "no", "msg": "Unknown endpoint /centra/demo/orders"})


@pytest.mark.parametrize("method", ["PATCH", "DELETE", "OPTIONS"])
async def test_other_methods_are_405_with_allow(sim: Sim, method: str) -> None:
    r = await sim.client.request(method, f"{BASE}/stock", headers=TOKEN)
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD, POST, PUT"
    assert r.json() == {"status": "no", "msg": f"Method {method} is not allowed; use GET, HEAD, POST, PUT"}


async def test_body_over_the_cap_is_413_and_changes_nothing() -> None:
    async with in_process(app_for(max_body_bytes=200)) as client:
        before = await items(client)
        body = {"products": [{"product": "1234567890123", "quantity": n} for n in range(20)]}
        r = await client.post(f"{BASE}/stock", json=body, headers=TOKEN)
        assert (r.status_code, r.json()) == (
            413,
            {"status": "no", "msg": "The request body is larger than 200 bytes"},
        )
        assert await items(client) == before


async def test_the_plugin_is_listed_on_the_control_plane(sim: Sim) -> None:
    apis = (await sim.client.get("/_sim/apis")).json()["apis"]
    assert [a for a in apis if a["vendor"] == "centra"] == [
        {
            "vendor": "centra",
            "account": "demo",
            "base_url": "http://sim.test/centra/demo",
            "auth": {"scheme": "header", "header": "API-Authorization", "token": "demo-centra-api-token"},
            "example_url": "http://sim.test/centra/demo/stock?limit=2",
        }
    ]
