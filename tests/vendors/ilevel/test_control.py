"""/_sim/ilevel/fail-items forces 12051 per sandbox; sandboxes are isolated and reset forgets everything."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.vendors.ilevel.conftest import (
    BARCODE_VARIANT,
    FAILING_VARIANT,
    OTHER_WAREHOUSE,
    VARIANT_1,
    VARIANT_2,
    WAREHOUSE,
    post_batch,
    stock_of,
)

pytestmark = pytest.mark.anyio
FAILS = "/_sim/ilevel/fail-items"
SCENARIO_FAIL = {"variant_id": FAILING_VARIANT, "warehouse": None}


def batch(*items: Any) -> dict[str, Any]:
    return {"batchStock": {"item": list(items)}}


async def results(client: httpx.AsyncClient, *items: Any, path: str | None = None) -> list[Any]:
    kw = {"path": path} if path else {}
    r = await post_batch(client, batch(*items), **kw)
    assert r.status_code == 200
    found: list[Any] = r.json()["results"]
    return found


async def test_scenario_fail_items_fail_with_12051_by_any_identifier(client: httpx.AsyncClient) -> None:
    for item in ({"variant_id": FAILING_VARIANT}, {"barcode": "5052011229999"}, {"code": "FAIL-ALWAYS"}):
        assert await results(client, {**item, "inStock": 1}) == [
            {**item, "inStock": 1, "success": False, "message": "Failed to save item"}
        ]
    r = await client.get(f"{FAILS}?tenant=demo")
    assert r.json() == {"tenant": "demo", "fail_items": [SCENARIO_FAIL]}


async def test_forcing_failures_at_runtime_then_clearing(client: httpx.AsyncClient) -> None:
    r = await client.post(
        FAILS, json={"tenant": "demo", "warehouse": WAREHOUSE, "items": [{"barcode": "5052011221399"}]}
    )
    assert r.status_code == 200
    assert r.json() == {
        "tenant": "demo",
        "fail_items": [{"variant_id": BARCODE_VARIANT, "warehouse": WAREHOUSE}, SCENARIO_FAIL],
    }
    item = {"variant_id": BARCODE_VARIANT, "inStock": 3}
    assert await results(client, item, {"variant_id": VARIANT_2, "inStock": 1}) == [
        {**item, "success": False, "message": "Failed to save item"}
    ]
    assert await stock_of(client, BARCODE_VARIANT) == []
    assert await stock_of(client, VARIANT_2) != []
    # Only in the warehouse named: the other warehouse takes the item.
    other = f"/ilevel/demo/api/batchStock?warehouse_id={OTHER_WAREHOUSE}"
    assert await results(client, item, path=other) == []
    r = await client.delete(f"{FAILS}?tenant=demo")
    assert r.json() == {"tenant": "demo", "fail_items": [SCENARIO_FAIL]}
    assert await results(client, item) == []


async def test_variant_not_found_wins_over_a_forced_failure(client: httpx.AsyncClient) -> None:
    await client.post(FAILS, json={"tenant": "demo", "items": [{"variant_id": VARIANT_1}]})
    item = {"variant_id": VARIANT_1, "barcode": "x", "inStock": 1}
    assert (await results(client, item))[0]["message"] == "Failed to save item"  # variant_id decides
    assert (await results(client, {"barcode": "x"}))[0]["message"] == "Variant not found"


async def test_fail_items_are_per_sandbox_and_reset_clears_them(client: httpx.AsyncClient) -> None:
    r = await client.post("/_sim/sandboxes", json={"name": "other"})
    assert r.status_code == 201
    r = await client.post(f"{FAILS}?sandbox=other", json={"tenant": "demo", "items": [{"variant_id": VARIANT_2}]})
    assert r.status_code == 200
    item = {"variant_id": VARIANT_2, "inStock": 9}
    other = f"/sandboxes/other/ilevel/demo/api/batchStock?warehouse_id={WAREHOUSE}"
    assert (await results(client, item, path=other))[0]["message"] == "Failed to save item"
    assert await results(client, item) == []  # the default sandbox is unaffected
    assert await stock_of(client, VARIANT_2) != []
    await client.post("/_sim/reset")
    assert await stock_of(client, VARIANT_2) == []
    await client.post("/_sim/sandboxes/other/reset")
    assert await results(client, item, path=other) == []
    r = await client.get(f"{FAILS}?sandbox=other&tenant=demo")
    assert r.json()["fail_items"] == [SCENARIO_FAIL]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"tenant": "nobody", "items": []}, 404, "no i.LEVEL tenant named 'nobody' in sandbox 'default'"),
        ({"tenant": "demo", "items": [{"barcode": "nope"}]}, 400, "items[0]: no variant with 'nope' in tenant 'demo'"),
        (
            {"tenant": "demo", "items": [{"barcode": "5052011221399", "code": "ACC001018__A"}]},
            400,
            "items[0]: expected exactly one of variant_id, barcode or code",
        ),
        ({"tenant": "demo", "warehouse": "X", "items": []}, 400, "no warehouse with id 'X' in tenant 'demo'"),
    ],
)
async def test_bad_fail_item_requests(client: httpx.AsyncClient, body: Any, status: int, message: str) -> None:
    r = await client.post(FAILS, json=body)
    assert (r.status_code, r.json()["error"]["message"]) == (status, message)
    r = await client.get(f"{FAILS}?tenant=demo")
    assert r.json()["fail_items"] == [SCENARIO_FAIL]


async def test_malformed_fail_item_requests(client: httpx.AsyncClient) -> None:
    for raw in (b"", b"{", b'{"tenant": "demo"}', b'{"tenant": "demo", "items": [], "x": 1}'):
        r = await client.post(FAILS, content=raw)
        assert r.status_code == 400
        assert r.json()["error"]["message"].startswith("invalid request body:")
    r = await client.get(FAILS)
    assert (r.status_code, r.json()["error"]["message"]) == (400, "expected ?tenant=NAME")
    r = await client.get(f"{FAILS}?sandbox=nope&tenant=demo")
    assert r.status_code == 404


async def test_apis_lists_the_tenant(client: httpx.AsyncClient) -> None:
    r = await client.get("/_sim/apis")
    ilevel = [a for a in r.json()["apis"] if a["vendor"] == "ilevel"]
    assert ilevel == [
        {
            "vendor": "ilevel",
            "account": "demo",
            "base_url": "http://sim.test/ilevel/demo",
            "auth": {"scheme": "basic", "username": "demo", "password": "demo-ilevel-api-key"},
            "example_url": f"http://sim.test/ilevel/demo/api/stock?warehouse_id={WAREHOUSE}",
            "warehouses": [WAREHOUSE, OTHER_WAREHOUSE],
        }
    ]
