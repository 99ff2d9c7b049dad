"""Batch semantics: the 1,000-item cap, partial success, per-item failures, identifiers and unchanged fields."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support import app_for, basic, in_process
from tests.vendors.ilevel.conftest import (
    BARCODE_VARIANT,
    CODE_VARIANT,
    FAILING_VARIANT,
    LEVELS,
    OTHER_WAREHOUSE,
    VARIANT_1,
    VARIANT_2,
    WAREHOUSE,
    post_batch,
    snapshot,
    stock_of,
)

pytestmark = pytest.mark.anyio
SOME_FAILED = "Some items failed to update please check results."


def batch(*items: Any) -> dict[str, Any]:
    return {"batchStock": {"item": list(items)}}


def record(variant: str, in_stock: int, demand: int = 0, supply: int = 0, warehouse: str = WAREHOUSE) -> Any:
    return {"fk_warehouse": warehouse, "fk_variant": variant, "inStock": in_stock, "demand": demand, "supply": supply}


def failed(item: dict[str, Any], message: str, **extra: Any) -> dict[str, Any]:
    return {**item, "success": False, "message": message, **extra}


GENERATED = """
ilevel:
  tenants:
    - name: big
      username: u
      api_key: k
      warehouses: [{id: 1571945CAB99744086F9FDFC9D9332D5, name: Main}]
      generate: {count: 1001}
"""
BIG = basic("u", "k")


async def test_exactly_1000_items_pass_and_1001_change_nothing() -> None:
    async with in_process(app_for(GENERATED)) as client:
        path = f"/ilevel/big/api/batchStock?warehouse_id={WAREHOUSE}"
        items = [{"code": f"GEN-{n:07d}", "inStock": n} for n in range(1, 1002)]
        r = await client.post(path, json=batch(*items), headers=BIG)
        assert (r.status_code, r.json()) == (
            400,
            {"allPassed": False, "error": "Call exceeds 1,000 item limit!", "results": []},
        )
        state = await client.get("/_sim/state?vendor=ilevel")
        assert state.json()["ilevel"]["tenants"]["big"]["warehouses"][WAREHOUSE]["total"] == 0
        r = await client.post(path, json=batch(*items[:1000]), headers=BIG)
        assert (r.status_code, r.json()) == (200, {"allPassed": True, "results": []})
        state = await client.get("/_sim/state?vendor=ilevel&limit=2000")
        stored = state.json()["ilevel"]["tenants"]["big"]["warehouses"][WAREHOUSE]
        assert stored["total"] == 1000
        assert sorted(s["inStock"] for s in stored["stock"]) == list(range(1, 1001))


async def test_partial_success_applies_what_passed(client: httpx.AsyncClient) -> None:
    good_1 = {"variant_id": VARIANT_1, "inStock": 7, "demand": 3, "supply": 4}
    unknown = {"variant_id": "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", "inStock": 1}
    good_2 = {"barcode": "5052011221399", "supply": 9}
    forced = {"code": "FAIL-ALWAYS", "inStock": 2}
    r = await post_batch(client, batch(good_1, unknown, good_2, forced))
    assert r.status_code == 200
    assert r.json() == {
        "allPassed": False,
        "error": SOME_FAILED,
        "results": [failed(unknown, "Variant not found"), failed(forced, "Failed to save item")],
    }
    assert await stock_of(client, VARIANT_1) == [record(VARIANT_1, 7, 3, 4)]
    assert await stock_of(client, BARCODE_VARIANT) == [record(BARCODE_VARIANT, 0, 0, 9)]
    assert await stock_of(client, FAILING_VARIANT) == []


async def test_all_items_failing_is_still_12006(client: httpx.AsyncClient) -> None:
    before = await snapshot(client)
    items: list[dict[str, Any]] = [
        {"barcode": "nope"},
        {"code": "nope"},
        {"variant_id": VARIANT_1.lower(), "inStock": 1},
    ]
    r = await post_batch(client, batch(*items))
    assert r.status_code == 200
    assert r.json() == {
        "allPassed": False,
        "error": SOME_FAILED,
        "results": [failed(i, "Variant not found") for i in items],
    }
    assert await snapshot(client) == before


async def test_fields_left_out_keep_their_values(client: httpx.AsyncClient) -> None:
    # The scenario's record: inStock 5, demand 1, supply 2.
    assert await stock_of(client, VARIANT_1) == [record(VARIANT_1, 5, 1, 2)]
    assert (await post_batch(client, batch({"variant_id": VARIANT_1, "demand": 8}))).json()["allPassed"]
    assert await stock_of(client, VARIANT_1) == [record(VARIANT_1, 5, 8, 2)]
    # An item with no figures at all still names its variant: a record is created with zeros.
    assert (await post_batch(client, batch({"code": "ACC001018__A"}))).json()["allPassed"]
    assert await stock_of(client, CODE_VARIANT) == [record(CODE_VARIANT, 0)]


async def test_records_are_per_warehouse(client: httpx.AsyncClient) -> None:
    path = f"/ilevel/demo/api/batchStock?warehouse_id={OTHER_WAREHOUSE}"
    assert (await post_batch(client, batch({"variant_id": VARIANT_1, "inStock": 40}), path=path)).json()["allPassed"]
    assert await stock_of(client, VARIANT_1, OTHER_WAREHOUSE) == [record(VARIANT_1, 40, warehouse=OTHER_WAREHOUSE)]
    assert await stock_of(client, VARIANT_1) == [record(VARIANT_1, 5, 1, 2)]


async def test_one_variant_twice_applies_in_order(client: httpx.AsyncClient) -> None:
    items: list[dict[str, Any]] = [
        {"variant_id": VARIANT_2, "inStock": 1, "demand": 5},
        {"barcode": "nope"},
        {"variant_id": VARIANT_2, "inStock": 2},
    ]
    r = await post_batch(client, batch(*items))
    assert r.json()["results"] == [failed(items[1], "Variant not found")]
    assert await stock_of(client, VARIANT_2) == [record(VARIANT_2, 2, 5)]


async def test_first_identifier_wins_by_default(client: httpx.AsyncClient) -> None:
    # variant_id, then barcode, then code (the doc's order); the others are not looked at.
    items = [
        {"variant_id": VARIANT_2, "barcode": "5052011221399", "inStock": 3},
        {"barcode": "5052011221399", "code": "no such code", "inStock": 4},
        {"variant_id": "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", "code": "ACC001018__A", "inStock": 5},
    ]
    r = await post_batch(client, batch(*items))
    assert r.json()["results"] == [failed(items[2], "Variant not found")]
    assert await stock_of(client, VARIANT_2) == [record(VARIANT_2, 3)]
    assert await stock_of(client, BARCODE_VARIANT) == [record(BARCODE_VARIANT, 4)]
    assert await stock_of(client, CODE_VARIANT) == []


AGREE = """
ilevel:
  tenants:
    - name: strict
      username: u
      api_key: k
      identifier_precedence: agree
      warehouses: [{id: 1571945CAB99744086F9FDFC9D9332D5, name: Main}]
      variants:
        - {variant_id: 0A5EEDAF16F8D54486AB2AD7474B3994, barcode: "111", code: A}
        - {variant_id: 1571945CAB99744086F9FDFC9D9332D5, barcode: "222", code: B}
"""


async def test_agree_precedence_wants_every_identifier_to_name_the_same_variant() -> None:
    async with in_process(app_for(AGREE)) as client:
        path = f"/ilevel/strict/api/batchStock?warehouse_id={WAREHOUSE}"
        items = [
            {"variant_id": VARIANT_1, "barcode": "111", "code": "A", "inStock": 1},
            {"variant_id": VARIANT_2, "barcode": "111", "inStock": 2},
            {"barcode": "222", "code": "nope", "inStock": 3},
        ]
        r = await client.post(path, json=batch(*items), headers=basic("u", "k"))
        assert r.json()["results"] == [failed(items[1], "Variant not found"), failed(items[2], "Variant not found")]
        get = f"/ilevel/strict/api/stock?warehouse_id={WAREHOUSE}"
        r = await client.get(get, headers=basic("u", "k"))
        assert [{k: s[k] for k in LEVELS} for s in r.json()["response"]["stock"]] == [record(VARIANT_1, 1)]


# Each item with the field its reason names (the reason goes to the server log: the vendor's result has no room).
BAD_ITEMS: list[tuple[dict[str, Any], str]] = [
    ({"variant_id": VARIANT_2, "inStock": "5"}, ".inStock"),
    ({"variant_id": VARIANT_2, "inStock": 1.5}, ".inStock"),
    ({"variant_id": VARIANT_2, "inStock": 2.0}, ".inStock"),
    ({"variant_id": VARIANT_2, "demand": -1}, ".demand"),
    ({"variant_id": VARIANT_2, "supply": 1_000_000_001}, ".supply"),
    ({"variant_id": VARIANT_2, "inStock": 10**30}, ".inStock"),
    ({"variant_id": VARIANT_2, "inStock": True}, ".inStock"),
    ({"variant_id": VARIANT_2, "inStock": None}, ".inStock"),
    ({"variant_id": VARIANT_2, "instock": 1}, "instock"),
    ({"variant_id": 12, "inStock": 1}, ".variant_id"),
    ({"barcode": None, "inStock": 1}, ".barcode"),
]


@pytest.mark.parametrize(("item", "field"), BAD_ITEMS)
async def test_a_bad_item_fails_alone_with_12051_and_nothing_but_the_docs_fields(
    client: httpx.AsyncClient, item: dict[str, Any], field: str, caplog: pytest.LogCaptureFixture
) -> None:
    """ilevel-batch-stock.txt's example result is the item as sent plus ``"success": false, "message": "..."``, and
    its item error 12051 is "Failed to save item" ("The item was not updated/created"); no other field."""
    caplog.set_level("INFO", logger="simulator.vendors.ilevel")
    before = await snapshot(client)
    r = await post_batch(client, batch(item))
    assert r.status_code == 200
    assert r.json() == {"allPassed": False, "error": SOME_FAILED, "results": [failed(item, "Failed to save item")]}
    assert list(r.json()["results"][0]) == [*item, "success", "message"]
    assert await snapshot(client) == before
    # Beside a good item, the good one is applied and the bad one reported.
    good = {"code": "ACC001018__A", "inStock": 6}
    r = await post_batch(client, batch(good, item))
    assert r.json()["results"] == [failed(item, "Failed to save item")]
    assert await stock_of(client, CODE_VARIANT) == [record(CODE_VARIANT, 6)]
    # Why it failed is in the server log, with where.
    logged = [rec.getMessage() for rec in caplog.records if "12051" in rec.getMessage()]
    assert any("item[1]" in m and field in m for m in logged), logged


async def test_an_item_without_an_identifier_is_variant_not_found(client: httpx.AsyncClient) -> None:
    before = await snapshot(client)
    items = [{"inStock": 1}, {}]
    r = await post_batch(client, batch(*items))
    assert r.json()["results"] == [failed(i, "Variant not found") for i in items]
    assert await snapshot(client) == before


async def test_unknown_properties_beside_batch_stock_are_ignored(client: httpx.AsyncClient) -> None:
    body = {"batchStock": {"item": [{"variant_id": VARIANT_2, "inStock": 3}], "note": "x"}, "extra": 1}
    assert (await post_batch(client, body)).json() == {"allPassed": True, "results": []}
    assert await stock_of(client, VARIANT_2) == [record(VARIANT_2, 3)]


async def test_content_type_is_not_required(client: httpx.AsyncClient) -> None:
    from tests.vendors.ilevel.conftest import BATCH, DEMO

    r = await client.post(
        BATCH, content=b'{"batchStock":{"item":[{"variant_id":"%s","inStock":4}]}}' % VARIANT_2.encode(), headers=DEMO
    )
    assert r.json() == {"allPassed": True, "results": []}
