"""The doc's batch error codes 12001-12005, each with the doc's text, our status, and nothing changed."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.vendors.ilevel.conftest import BATCH, DEMO, JSON, VARIANT_1, WAREHOUSE, post_batch, snapshot

pytestmark = pytest.mark.anyio
ONE = {"batchStock": {"item": [{"variant_id": VARIANT_1, "inStock": 99}]}}


def refused(text: str) -> dict[str, Any]:
    return {"allPassed": False, "error": text, "results": []}


async def assert_refused(client: httpx.AsyncClient, r: httpx.Response, status: int, text: str) -> None:
    assert (r.status_code, r.json()) == (status, refused(text)), r.text
    assert r.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b'{"batchStock": {"item": [',
        b"[]",
        b'"batchStock"',
        b"{}",
        b'{"batchstock": {"item": []}}',  # property names are case-sensitive
        b'{"batchStock": null}',
        b'{"batchStock": [{"variant_id": "0A5EEDAF16F8D54486AB2AD7474B3994"}]}',
        b'{"batchStock": "items"}',
        b'{"batchStock": {"item": [{"inStock": 1e400}]}}',
    ],
)
async def test_12001_missing_batch_stock(client: httpx.AsyncClient, body: bytes) -> None:
    before = await snapshot(client)
    r = await client.post(BATCH, content=body, headers={**JSON, **DEMO})
    await assert_refused(client, r, 400, "Missing mandatory property, 'batchStock'")
    assert await snapshot(client) == before


@pytest.mark.parametrize(
    "query", ["", "?", "?warehouse_id=", "?warehouseId=" + WAREHOUSE, "?WAREHOUSE_ID=" + WAREHOUSE]
)
async def test_12002_missing_warehouse_id(client: httpx.AsyncClient, query: str) -> None:
    before = await snapshot(client)
    r = await post_batch(client, ONE, path="/ilevel/demo/api/batchStock" + query)
    await assert_refused(client, r, 400, "Missing query parameter warehouse_id")
    assert await snapshot(client) == before


@pytest.mark.parametrize(
    "warehouse",
    [
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",  # well-formed, unknown
        WAREHOUSE.lower(),  # ids are matched exactly
        WAREHOUSE[:-1],  # not 32 hex characters
        WAREHOUSE + "0",
        "not-a-warehouse",
        "1",
    ],
)
async def test_12003_warehouse_not_found(client: httpx.AsyncClient, warehouse: str) -> None:
    before = await snapshot(client)
    r = await post_batch(client, ONE, path=f"/ilevel/demo/api/batchStock?warehouse_id={warehouse}")
    await assert_refused(client, r, 400, f"Warehouse not found: {warehouse}")
    assert await snapshot(client) == before


async def test_12003_echoes_the_doc_text_for_the_docs_warehouse_spelling(client: httpx.AsyncClient) -> None:
    # The doc's table text is "Warehouse not found: 1571945CAB99744086F9FDFC9D9332D5": the id as sent.
    app_path = "/ilevel/demo/api/stock?warehouse_id=1571945cab99744086f9fdfc9d9332d5"
    r = await client.get(app_path, headers=DEMO)
    await assert_refused(client, r, 400, "Warehouse not found: 1571945cab99744086f9fdfc9d9332d5")


@pytest.mark.parametrize(
    "batch",
    [
        {},
        {"item": None},
        {"items": [{"variant_id": VARIANT_1, "inStock": 1}]},
        {"item": {"variant_id": VARIANT_1, "inStock": 1}},  # an object, not a list
        {"item": "0A5EEDAF16F8D54486AB2AD7474B3994"},
        {"item": []},  # empty
        {"item": [{"variant_id": VARIANT_1, "inStock": 1}, 5]},  # a non-object item
        {"item": [{"variant_id": VARIANT_1, "inStock": 1}, None]},
        {"item": [[{"variant_id": VARIANT_1, "inStock": 1}]]},
    ],
)
async def test_12004_missing_item_collection(client: httpx.AsyncClient, batch: Any) -> None:
    before = await snapshot(client)
    r = await post_batch(client, {"batchStock": batch})
    await assert_refused(client, r, 400, "Missing stock item collection!")
    assert await snapshot(client) == before


async def test_errors_are_checked_in_the_doc_table_order(client: httpx.AsyncClient) -> None:
    # No batchStock and no warehouse_id: 12001 wins; bad warehouse and no item: 12003 wins.
    r = await post_batch(client, {}, path="/ilevel/demo/api/batchStock")
    await assert_refused(client, r, 400, "Missing mandatory property, 'batchStock'")
    r = await post_batch(client, {"batchStock": {}}, path="/ilevel/demo/api/batchStock?warehouse_id=X")
    await assert_refused(client, r, 400, "Warehouse not found: X")
    r = await post_batch(client, {"batchStock": {"item": [{}] * 1001}}, path="/ilevel/demo/api/batchStock")
    await assert_refused(client, r, 400, "Missing query parameter warehouse_id")


async def test_body_too_large_is_413(client: httpx.AsyncClient) -> None:
    from tests.support import app_for, in_process

    async with in_process(app_for(None, max_body_bytes=100)) as small:
        r = await post_batch(small, {"batchStock": {"item": [{"variant_id": VARIANT_1, "inStock": 1}] * 10}})
        assert r.status_code == 413
        assert r.json() == {
            "allPassed": False,
            "error": "The request body is larger than 100 bytes",
            "results": [],
        }


async def test_other_methods_are_405(client: httpx.AsyncClient) -> None:
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        r = await client.request(method, BATCH, headers=DEMO)
        assert r.status_code == 405
        assert r.headers["allow"] == "POST"
        assert r.json()["allPassed"] is False
    r = await client.post("/ilevel/demo/api/warehouse", headers=DEMO)
    assert (r.status_code, r.headers["allow"]) == (405, "GET, HEAD")


async def test_unknown_tenant_and_path_are_404(client: httpx.AsyncClient) -> None:
    r = await post_batch(client, {}, path="/ilevel/nobody/api/batchStock?warehouse_id=" + WAREHOUSE)
    assert r.status_code == 404
    assert r.json() == refused("Resource not found: no tenant named 'nobody'")
    r = await client.get("/ilevel/demo/api/nothing", headers=DEMO)
    assert (r.status_code, r.json()) == (404, refused("Resource not found"))
    r = await client.get("/ilevel/demo/api/nothing")
    assert r.status_code == 401  # credentials first: an unknown path tells a stranger nothing
