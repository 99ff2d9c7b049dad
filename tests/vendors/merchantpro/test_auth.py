"""HTTP Basic with the shop's API key and secret: 401 when wrong, 403 once a client keeps failing."""

from __future__ import annotations

import base64

import httpx
import pytest

from tests.support import app_for, basic, in_process
from tests.vendors.merchantpro.conftest import DEMO, DEMO_MW

pytestmark = pytest.mark.anyio
URL = "/merchantpro/demo/api/v2/inventory/id/10001"

WRONG = [
    {},
    basic("demo-api-key", "wrong"),
    basic("wrong", "demo-api-secret"),
    basic("demo-api-secret", "demo-api-key"),
    basic("DEMO-API-KEY", "demo-api-secret"),
    {"Authorization": "Bearer demo-api-key"},
    {"Authorization": "Basic"},
    {"Authorization": "Basic !!!not-base64!!!"},
    {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()},
    {"Authorization": "Basic " + base64.b64encode(b"\xff\xfe:\x00").decode()},
    DEMO_MW,  # another shop's credentials
]


@pytest.mark.parametrize("headers", WRONG)
async def test_missing_and_wrong_credentials(headers: dict[str, str]) -> None:
    async with in_process(app_for()) as client:
        r = await client.get(URL, headers=headers)
        assert r.status_code == 401
        assert r.headers["www-authenticate"].startswith("Basic ")
        assert r.json() == {"error": {"code": 401, "name": "Unauthorized", "message": "Invalid API credentials"}}
        r = await client.patch(URL, json={"stock": 1}, headers=headers)
        assert r.status_code == 401
        assert (await client.get(URL, headers=DEMO)).json()["stock"] == 10


async def test_scheme_name_is_case_insensitive(client: httpx.AsyncClient) -> None:
    token = DEMO["Authorization"].split(" ", 1)[1]
    assert (await client.get(URL, headers={"Authorization": f"basic {token}"})).status_code == 200


async def test_repeated_failures_lock_out_with_403(client: httpx.AsyncClient) -> None:
    bad = basic("demo-api-key", "wrong")
    statuses = [(await client.get(URL, headers=bad)).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [403]
    r = await client.get(URL, headers=DEMO)
    assert r.status_code == 403, "a locked-out client is refused even with good credentials"
    assert r.json()["error"]["code"] == 403
    # Another shop on the same server is not locked.
    assert (await client.get("/merchantpro/demo-mw/api/v2/inventory/id/10003", headers=DEMO_MW)).status_code == 200
    # Resetting the sandbox forgets the failures.
    assert (await client.post("/_sim/reset")).status_code == 200
    assert (await client.get(URL, headers=DEMO)).status_code == 200


async def test_success_resets_the_count(client: httpx.AsyncClient) -> None:
    bad = basic("demo-api-key", "wrong")
    for _ in range(4):
        assert (await client.get(URL, headers=bad)).status_code == 401
    assert (await client.get(URL, headers=DEMO)).status_code == 200
    for _ in range(4):
        assert (await client.get(URL, headers=bad)).status_code == 401
    assert (await client.get(URL, headers=DEMO)).status_code == 200


async def test_lockout_threshold_and_duration_come_from_the_scenario() -> None:
    scenario = """
merchantpro:
  shops:
    - name: s
      api_key: k
      api_secret: p
      auth_failures_before_forbidden: 2
      auth_lockout_seconds: 60
      products: [{id: 1, sku: A, price_net: 1}]
"""
    async with in_process(app_for(scenario)) as client:
        url = "/merchantpro/s/api/v2/inventory/id/1"
        await client.post("/_sim/clock", json={"freeze": True})
        assert [(await client.get(url)).status_code for _ in range(3)] == [401, 401, 403]
        await client.post("/_sim/clock", json={"advance": 59})
        assert (await client.get(url, headers=basic("k", "p"))).status_code == 403
        await client.post("/_sim/clock", json={"advance": 1})
        assert (await client.get(url, headers=basic("k", "p"))).status_code == 200
