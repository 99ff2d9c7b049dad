"""The doc's example bodies (ka-ching-stock-import.txt), verbatim, against the default scenario."""

from __future__ import annotations

import httpx
import pytest

from tests.vendors.kaching.conftest import ADJUST, LOC, STOCK, accepted, events, stock_of

pytestmark = pytest.mark.anyio

WITHOUT_VARIANTS = b"""{
    "stock_location_id": {
        "product1": 7,
        "product2": 7
    }
}"""
WITH_VARIANTS = b"""{
    "stock_location_id": {
        "product1": 7,
        "product2": 7,
        "product3": {
            "variant1": 7,
            "variant2": 7
        }
    }
}"""
DELETE_WITH_VARIANTS = b"""{
    "stock_location_id": {
        "product1": 0,
        "product2": 0,
        "product3": {
            "variant1": 0,
            "variant2": 0
        }
    }
}"""


async def send(client: httpx.AsyncClient, method: str, url: str, body: bytes) -> httpx.Response:
    return await client.request(method, url, content=body, headers={"Content-Type": "application/json"})


async def test_post_without_variants(client: httpx.AsyncClient) -> None:
    r = await send(client, "POST", STOCK, WITHOUT_VARIANTS)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {"status": "OK", "message": "Import of 2 stock value(s) initiated"}
    stock = await stock_of(client)
    assert stock[LOC] == {"product1": 7, "product2": 7}
    found = await events(client)
    assert [(e["type"], e["product_id"], e["count_before"], e["count_after"]) for e in found] == [
        ("external_reset", "product1", 3, 7),
        ("external_reset", "product2", None, 7),
    ]
    assert found[0] == {
        "id": found[0]["id"],
        "type": "external_reset",
        "account": "demo-account",
        "import_queue": "demo-queue",
        "import_id": found[0]["import_id"],
        "stock_location_id": LOC,
        "product_id": "product1",
        "variant_id": None,
        "new_stock_value": 7,
        "count_before": 3,
        "count_after": 7,
        "timestamp": found[0]["timestamp"],
    }


async def test_post_with_variants_counts_each_variant(client: httpx.AsyncClient) -> None:
    r = await send(client, "POST", STOCK, WITH_VARIANTS)
    assert r.json() == {"status": "OK", "message": "Import of 4 stock value(s) initiated"}
    assert (await stock_of(client))[LOC] == {"product1": 7, "product2": 7, "product3": {"variant1": 7, "variant2": 7}}
    found = await events(client, "?product=product3")
    assert [(e["variant_id"], e["count_after"]) for e in found] == [("variant1", 7), ("variant2", 7)]


async def test_adjustment_true_makes_values_relative(client: httpx.AsyncClient) -> None:
    await send(client, "POST", STOCK, WITH_VARIANTS)
    r = await send(client, "POST", ADJUST, WITH_VARIANTS)
    assert r.json() == {"status": "OK", "message": "Import of 4 stock value(s) initiated"}
    assert (await stock_of(client))[LOC] == {
        "product1": 14,
        "product2": 14,
        "product3": {"variant1": 14, "variant2": 14},
    }
    adjustments = await events(client, "?type=external_adjustment")
    assert [
        (e["product_id"], e["variant_id"], e["adjustment"], e["count_before"], e["count_after"]) for e in adjustments
    ] == [
        ("product1", None, 7, 7, 14),
        ("product2", None, 7, 7, 14),
        ("product3", "variant1", 7, 7, 14),
        ("product3", "variant2", 7, 7, 14),
    ]


async def test_delete_removes_the_records(client: httpx.AsyncClient) -> None:
    await send(client, "POST", STOCK, WITH_VARIANTS)
    r = await send(client, "DELETE", STOCK, DELETE_WITH_VARIANTS)
    assert r.json() == {"status": "OK", "message": "Import of 4 stock value(s) initiated"}
    assert (await stock_of(client))[LOC] == {}
    removals = await events(client, "?type=external_removal")
    # The counts sent with a DELETE are ignored: a removal carries neither new_stock_value nor adjustment.
    assert [(e["product_id"], e["variant_id"], e["count_before"], e["count_after"]) for e in removals] == [
        ("product1", None, 7, None),
        ("product2", None, 7, None),
        ("product3", "variant1", 7, None),
        ("product3", "variant2", 7, None),
    ]
    assert not any("new_stock_value" in e or "adjustment" in e for e in removals)


async def test_zero_is_stocked_but_delete_is_not(client: httpx.AsyncClient) -> None:
    """ "The former means: This is a product that we sell, but currently the stock count is 0. The latter
    means: This is no longer a product that we keep in stock"."""
    await accepted(client, STOCK, {LOC: {"product1": 0, "product2": 0}})
    assert (await stock_of(client))[LOC] == {"product1": 0, "product2": 0}
    await accepted(client, STOCK, {LOC: {"product1": 0}}, method="DELETE")
    assert (await stock_of(client))[LOC] == {"product2": 0}
    # A stocked 0 can be adjusted; a removed record cannot (it is no longer a stocked product).
    await accepted(client, ADJUST, {LOC: {"product1": 2, "product2": 2}})
    assert (await stock_of(client))[LOC] == {"product2": 2}


async def test_the_default_scenario_lists_the_url_with_its_query_string(client: httpx.AsyncClient) -> None:
    apis = [a for a in (await client.get("/_sim/apis")).json()["apis"] if a["vendor"] == "ka-ching"]
    assert apis == [
        {
            "vendor": "ka-ching",
            "account": "demo-account",
            "base_url": "http://sim.test/ka-ching",
            "auth": {
                "scheme": "query",
                "account": "demo-account",
                "integration": "demo-queue",
                "apikey": "demo-apikey",
            },
            "example_url": "http://sim.test/ka-ching/imports/stock?account=demo-account&integration=demo-queue&apikey=demo-apikey",
            "integration": "demo-queue",
            "apikeys": ["demo-apikey"],
            "stock_locations": ["stock_location_id", "warehouse"],
            "processing_delay": 0.0,
        }
    ]
    r = await client.post(apis[0]["example_url"], json={LOC: {"product1": 1}})
    assert r.status_code == 200


async def test_sandbox_paths(client: httpx.AsyncClient) -> None:
    r = await client.post("/_sim/sandboxes", json={"name": "sb1"})
    assert r.status_code == 201
    await accepted(client, f"/sandboxes/sb1{STOCK}", {LOC: {"product1": 50}})
    assert (await stock_of(client, "sb1"))[LOC] == {"product1": 50}
    assert (await stock_of(client))[LOC] == {"product1": 3}
    assert await events(client) == []
    assert len(await events(client, "?sandbox=sb1")) == 1


async def test_info_health_check(client: httpx.AsyncClient) -> None:
    r = await client.get("/ka-ching/info")
    assert r.status_code == 200
    assert r.json()["status"] == "OK"
