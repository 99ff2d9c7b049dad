from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.anyio


async def test_health(client: httpx.AsyncClient) -> None:
    body = (await client.get("/_sim/health")).json()
    assert body["status"] == "ok" and body["sandboxes"] == 1 and "merchantpro" in body["vendors"]


async def test_apis_lists_every_account_with_working_urls(client: httpx.AsyncClient) -> None:
    apis = (await client.get("/_sim/apis")).json()["apis"]
    mp = {a["account"]: a for a in apis if a["vendor"] == "merchantpro"}
    assert set(mp) == {"demo", "demo-mw"}
    demo = mp["demo"]
    assert demo["base_url"] == "http://sim.test/merchantpro/demo"
    assert demo["auth"] == {"scheme": "basic", "username": "demo-api-key", "password": "demo-api-secret"}
    r = await client.get(demo["example_url"], auth=(demo["auth"]["username"], demo["auth"]["password"]))
    assert r.status_code == 200


async def test_state_filters(client: httpx.AsyncClient) -> None:
    r = await client.get("/_sim/state", params={"vendor": "merchantpro", "limit": 2})
    shops = r.json()["merchantpro"]["shops"]
    assert len(shops["demo"]["products"]) == 2 and shops["demo"]["total"] == 5
    assert shops["demo-mw"]["products"][0]["warehouses"] == {"1": 5, "2": 15}
    assert (await client.get("/_sim/state", params={"vendor": "nope"})).status_code == 400
    assert (await client.get("/_sim/state", params={"limit": "x"})).status_code == 400
