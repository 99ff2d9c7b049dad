"""Get stock: the record, each filter, paging links, exclude/include, and physical = allocated + available."""

from __future__ import annotations

import pytest

from tests.vendors.centra.conftest import BASE, TOKEN, Sim, get_stock, update

pytestmark = pytest.mark.anyio
JAN_2025 = 1735732800.0  # 2025-01-01 12:00:00 UTC

BLAZER_S = {
    "sku": "BLZ-100",
    "productId": 101,
    "variantSku": "NVY",
    "variantId": 201,
    "sizeSku": "S",
    "brand": "Centra Demo",
    "collection": "SS25",
    "product": "Wool Blazer",
    "variant": "Navy",
    "size": "S",
    "stockItemId": 1001,
    "ean": "1234567890123",
    "upc": None,
    "weight": 0.8,
    "weightUnit": "kg",
    "countryOfOrigin": "SE",
    "harmCode": "620331",
    "harmDescription": "Jackets and blazers of wool",
    "active": 1,
    "physicalStock": 10,
    "allocatedStock": 2,
    "availableStock": 8,
}


def ids(body: dict[str, object]) -> list[int]:
    products = body["products"]
    assert isinstance(products, list)
    return [p["stockItemId"] for p in products]


async def test_the_record_and_the_response_shape(sim: Sim) -> None:
    assert await get_stock(sim.client, "?ean=1234567890123") == {
        "status": "ok",
        "products": [BLAZER_S],
        "previous": None,
        "next": None,
    }


async def test_everything_without_filters_in_stock_item_order(sim: Sim) -> None:
    body = await get_stock(sim.client)
    assert ids(body) == [1001, 1002, 1003, 1004, 1005, 1006]
    assert (body["previous"], body["next"]) == (None, None)
    inactive = body["products"][5]
    assert (inactive["active"], inactive["ean"], inactive["weight"]) == (0, "7350000000026", 0.15)
    assert body["products"][4]["weight"] is None and body["products"][3]["ean"] is None


async def test_invariant_physical_is_allocated_plus_available(sim: Sim) -> None:
    await update(sim.client, {"products": [{"product": "5432167890123", "quantity": 0}]})
    await sim.client.post("/_sim/centra/allocations", json={"plugin": "demo", "stockItemId": 1002, "allocate": 7})
    for p in (await get_stock(sim.client))["products"]:
        assert p["physicalStock"] == p["allocatedStock"] + p["availableStock"]
        assert p["availableStock"] >= 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?sku=BLZ-100", [1001, 1002, 1003]),
        ("?sku=BLZ-100NVYM", [1002]),  # the sku combination an update accepts
        ("?sku=blz-100", []),
        ("?ean=9876543210123", [1002]),
        ("?ean=0000000000000", []),
        ("?productId=101", [1001, 1002, 1003]),
        ("?variantId=202", [1004]),
        ("?stockItemId=1005", [1005]),
        ("?productId=101&sku=BLZ-100NVYL", [1003]),
        ("?created=2024-06-01", [1004, 1005]),
        ("?created=2024-06-01%2008:30:01", [1005]),
        ("?created=2024-06-01+08:30:00", [1004, 1005]),
        ("?modified=2024-03-01", [1001, 1004, 1005]),
        ("?stock_modified=2024-06-15%2010:00:00", [1004, 1005]),
        ("?include=attributes", [1001, 1002, 1003, 1004, 1005, 1006]),
        ("?unknown=1", [1001, 1002, 1003, 1004, 1005, 1006]),
    ],
)
async def test_filters(sim: Sim, query: str, expected: list[int]) -> None:
    assert ids(await get_stock(sim.client, query)) == expected


async def test_stock_modified_follows_updates(sim: Sim) -> None:
    sim.clock(JAN_2025)
    await update(sim.client, {"products": [{"product": "9876543210123", "quantity": 3}]})
    assert ids(await get_stock(sim.client, "?stock_modified=2025-01-01")) == [1002]
    assert ids(await get_stock(sim.client, "?modified=2025-01-01%2012:00:00")) == [1002]
    assert ids(await get_stock(sim.client, "?stock_modified=2025-01-01%2012:00:01")) == []


async def test_paging_with_previous_and_next_links(sim: Sim) -> None:
    first = await get_stock(sim.client, "?limit=2")
    assert (ids(first), first["previous"], first["next"]) == ([1001, 1002], None, "?limit=2&page=2")
    second = await get_stock(sim.client, "?limit=2&page=2")
    assert (ids(second), second["previous"], second["next"]) == ([1003, 1004], "?limit=2&page=1", "?limit=2&page=3")
    last = await get_stock(sim.client, "?limit=2&page=3")
    assert (ids(last), last["previous"], last["next"]) == ([1005, 1006], "?limit=2&page=2", None)
    beyond = await get_stock(sim.client, "?limit=2&page=9")
    assert (ids(beyond), beyond["previous"], beyond["next"]) == ([], "?limit=2&page=8", None)


async def test_following_next_links_visits_every_item_once(sim: Sim) -> None:
    seen: list[int] = []
    query: str | None = "?limit=4&sku=BLZ-100"
    while query is not None:
        page = await get_stock(sim.client, query)
        seen += ids(page)
        query = page["next"]
    assert seen == [1001, 1002, 1003]


async def test_links_keep_the_filters(sim: Sim) -> None:
    body = await get_stock(sim.client, "?productId=101&limit=1&page=2&exclude=physicalStock")
    assert body["previous"] == "?limit=1&page=1&productId=101&exclude=physicalStock"
    assert body["next"] == "?limit=1&page=3&productId=101&exclude=physicalStock"


async def test_page_without_limit_is_everything(sim: Sim) -> None:
    body = await get_stock(sim.client, "?page=3")
    assert (len(body["products"]), body["previous"], body["next"]) == (6, None, None)


async def test_exclude_physical_stock(sim: Sim) -> None:
    product = (await get_stock(sim.client, "?stockItemId=1001&exclude=physicalStock"))["products"][0]
    assert product == {k: v for k, v in BLAZER_S.items() if k != "physicalStock"}


@pytest.mark.parametrize(
    ("query", "msg"),
    [
        ("?limit=0", "limit must be a positive whole number, got '0'"),
        ("?limit=-1", "limit must be a positive whole number, got '-1'"),
        ("?limit=ten", "limit must be a positive whole number, got 'ten'"),
        ("?limit=10001", "limit must be at most 10000, got 10001"),
        ("?limit=2&page=0", "page must be a positive whole number, got '0'"),
        ("?limit=10000&page=1000000001", "page must be at most 1000000000, got 1000000001"),
        ("?stockItemId=99999999999999999999", "stockItemId must be at most 9007199254740992, got 99999999999999999999"),
        ("?productId=abc", "productId must be a positive whole number, got 'abc'"),
        ("?stockItemId=", "stockItemId must be a positive whole number, got ''"),
        ("?created=2024-13-01", "created must be 'YYYY-mm-dd' or 'YYYY-mm-dd HH:MM:SS', got '2024-13-01'"),
        ("?modified=yesterday", "modified must be 'YYYY-mm-dd' or 'YYYY-mm-dd HH:MM:SS', got 'yesterday'"),
        (
            "?stock_modified=2024-01-01T10:00:00",
            "stock_modified must be 'YYYY-mm-dd' or 'YYYY-mm-dd HH:MM:SS', got '2024-01-01T10:00:00'",
        ),
    ],
)
async def test_malformed_filters_answer_status_no(sim: Sim, query: str, msg: str) -> None:
    r = await sim.client.get(f"{BASE}/stock{query}", headers=TOKEN)
    assert (r.status_code, r.json()) == (200, {"status": "no", "msg": msg})


async def test_head_is_get_without_a_body(sim: Sim) -> None:
    r = await sim.client.head(f"{BASE}/stock", headers=TOKEN)
    assert r.status_code == 200
