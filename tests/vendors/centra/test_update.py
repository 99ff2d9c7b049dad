"""Update stock: the silent clamp and its notification, partial failures, identifiers, cost prices, timestamps."""

from __future__ import annotations

import pytest

from tests.vendors.centra.conftest import Sim, get_stock, items, notifications, physical, update

pytestmark = pytest.mark.anyio
JAN_2025 = 1735732800.0  # 2025-01-01 12:00:00 UTC


async def test_clamp_is_silent_and_recorded_as_a_notification(sim: Sim) -> None:
    sim.clock(JAN_2025)
    body = {"products": [{"product": "5432167890123", "quantity": 1}]}
    assert await update(sim.client, body) == {"status": "ok"}
    assert (await items(sim.client))[1003]["physicalStock"] == 3
    assert await notifications(sim.client) == [
        {
            "id": 1,
            "plugin": "demo",
            "at": "2025-01-01 12:00:00",
            "product": "5432167890123",
            "stockItemId": 1003,
            "requestedQuantity": 1,
            "physicalStock": 3,
            "message": "Stock update for '5432167890123' asked for 1, below the allocated stock; "
            "physicalStock was set to allocatedStock (3)",
        }
    ]


async def test_no_notification_at_or_above_the_floor(sim: Sim) -> None:
    body = {"products": [{"product": "5432167890123", "quantity": 3}, {"product": "1234567890123", "quantity": 7}]}
    assert await update(sim.client, body) == {"status": "ok"}
    assert await notifications(sim.client) == []


async def test_the_floor_moves_with_allocations(sim: Sim) -> None:
    r = await sim.client.post("/_sim/centra/allocations", json={"plugin": "demo", "stockItemId": 1002, "allocate": 5})
    assert r.status_code == 200, r.text
    assert await update(sim.client, {"products": [{"product": "9876543210123", "quantity": 2}]}) == {"status": "ok"}
    assert (await items(sim.client))[1002]["physicalStock"] == 5
    r = await sim.client.post("/_sim/centra/allocations", json={"plugin": "demo", "stockItemId": 1002, "release": 5})
    assert r.status_code == 200, r.text
    assert await update(sim.client, {"products": [{"product": "9876543210123", "quantity": 2}]}) == {"status": "ok"}
    assert (await items(sim.client))[1002]["physicalStock"] == 2
    assert [n["requestedQuantity"] for n in await notifications(sim.client)] == [2]


async def test_not_found_and_bundles_listed_while_found_items_update(sim: Sim) -> None:
    before = physical(await items(sim.client))
    body = {
        "products": [
            {"product": "0000000000000", "quantity": 1},
            {"product": "1234567890123", "quantity": 40},
            {"product": "7350000000019", "quantity": 9},
            {"product": "GIFT-SET01ONE", "quantity": 9},
            {"product": "TEE-200WHTM", "quantity": 0},
            {"product": "tee-200whtm", "quantity": 3},
        ]
    }
    assert await update(sim.client, body) == {
        "status": "no",
        "msg": "Some of the products were not updated",
        "errors": {
            "productsNotFound": ["0000000000000", "tee-200whtm"],
            "productsAreBundles": ["7350000000019", "GIFT-SET01ONE"],
        },
    }
    assert physical(await items(sim.client)) == {**before, 1001: 40, 1004: 1}  # 1004 clamped to its 1 allocated


async def test_only_bundles_gives_only_the_bundle_list(sim: Sim) -> None:
    assert await update(sim.client, {"products": [{"product": "7350000000019", "quantity": 9}]}) == {
        "status": "no",
        "msg": "Some of the products were not updated",
        "errors": {"productsAreBundles": ["7350000000019"]},
    }
    assert (await items(sim.client))[1005]["physicalStock"] == 4


async def test_identifiers_repeat_once_in_lists_and_later_lines_win(sim: Sim) -> None:
    body = {
        "products": [
            {"product": "nope", "quantity": 1},
            {"product": "1234567890123", "quantity": 11},
            {"product": "nope", "quantity": 2},
            {"product": "BLZ-100NVYS", "quantity": 12},  # the same item by sku+variantSku+sizeSku
        ]
    }
    assert (await update(sim.client, body))["errors"] == {"productsNotFound": ["nope"]}
    assert (await items(sim.client))[1001]["physicalStock"] == 12


async def test_sku_combination_addresses_an_item_without_ean(sim: Sim) -> None:
    assert await update(sim.client, {"products": [{"product": "TEE-200WHTM", "quantity": 30}]}) == {"status": "ok"}
    products = (await get_stock(sim.client, "?stockItemId=1004"))["products"]
    assert (products[0]["ean"], products[0]["physicalStock"], products[0]["availableStock"]) == (None, 30, 29)


async def test_cost_price_as_string_or_number_and_not_shown_by_get_stock(sim: Sim) -> None:
    body = {
        "products": [
            {"product": "1234567890123", "quantity": 10, "costPrice": "99.90", "costPriceCurrency": "EUR"},
            {"product": "9876543210123", "quantity": 20, "costPrice": 7},
            {"product": "TEE-200WHTM", "quantity": 15, "costPriceCurrency": "NOK"},
        ]
    }
    assert await update(sim.client, body) == {"status": "ok"}
    state = await items(sim.client)
    assert [(state[s]["costPrice"], state[s]["costPriceCurrency"]) for s in (1001, 1002, 1004, 1006)] == [
        ("99.90", "EUR"),
        ("7", None),
        (None, "NOK"),
        ("320.00", "SEK"),  # untouched: the scenario's
    ]
    product = (await get_stock(sim.client, "?stockItemId=1001"))["products"][0]
    assert "costPrice" not in product and "costPriceCurrency" not in product


async def test_timestamps_follow_the_sandbox_clock(sim: Sim) -> None:
    sim.clock(JAN_2025)
    body = {
        "products": [
            {"product": "1234567890123", "quantity": 10},  # the value it has: no change, no new timestamps
            {"product": "9876543210123", "quantity": 20, "costPrice": "5"},  # cost only: modified, not stock
            {"product": "TEE-200WHTM", "quantity": 16},
        ]
    }
    assert await update(sim.client, body) == {"status": "ok"}
    state = await items(sim.client)
    stamps = {s: (state[s]["modified"], state[s]["stock_modified"]) for s in (1001, 1002, 1004)}
    assert stamps == {
        1001: ("2024-03-01 12:00:00", "2024-03-01 12:00:00"),
        1002: ("2025-01-01 12:00:00", "2024-01-10 09:00:00"),
        1004: ("2025-01-01 12:00:00", "2025-01-01 12:00:00"),
    }


async def test_sandboxes_are_isolated_and_reset_clears_notifications(sim: Sim) -> None:
    r = await sim.client.post("/_sim/sandboxes", json={"name": "n1"})
    assert r.status_code == 201
    body = {"products": [{"product": "5432167890123", "quantity": 0}, {"product": "1234567890123", "quantity": 1}]}
    assert await update(sim.client, body, base="/sandboxes/n1/centra/demo") == {"status": "ok"}
    assert physical(await items(sim.client, "n1"))[1001] == 2  # clamped to its 2 allocated
    assert physical(await items(sim.client))[1001] == 10
    assert len(await notifications(sim.client, "n1")) == 2
    assert await notifications(sim.client) == []
    r = await sim.client.post("/_sim/reset?sandbox=n1")
    assert r.status_code == 200
    assert await notifications(sim.client, "n1") == []
    assert physical(await items(sim.client, "n1"))[1001] == 10


async def test_notifications_filter_by_plugin_and_refuse_unknown_ones(sim: Sim) -> None:
    await update(sim.client, {"products": [{"product": "5432167890123", "quantity": 0}]})
    r = await sim.client.get("/_sim/centra/notifications?plugin=demo")
    assert len(r.json()["notifications"]) == 1
    r = await sim.client.get("/_sim/centra/notifications?plugin=nope")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = await sim.client.get("/_sim/centra/notifications?sandbox=nope")
    assert r.status_code == 404


@pytest.mark.parametrize("quantity", [-1, -54, -1_000_000_000])
async def test_a_negative_quantity_is_clamped_silently_and_recorded(sim: Sim, quantity: int) -> None:
    """Update stock: "In the case the stock update contains a lower amount than the allocated stock, Centra will set
    the quantity to allocatedStock ... The request will not return any error message, but an email notification can
    be sent to a Centra-administrator". A negative amount is lower than any allocated stock."""
    sim.clock(JAN_2025)
    body = {
        "products": [{"product": "1234567890123", "quantity": quantity}, {"product": "9876543210123", "quantity": 0}]
    }
    assert await update(sim.client, body) == {"status": "ok"}
    assert physical(await items(sim.client))[1001] == 2  # its 2 allocated
    assert physical(await items(sim.client))[1002] == 0  # nothing allocated: 0 is no clamp
    assert [
        (n["at"], n["product"], n["stockItemId"], n["requestedQuantity"], n["physicalStock"])
        for n in await notifications(sim.client)
    ] == [("2025-01-01 12:00:00", "1234567890123", 1001, quantity, 2)]


async def test_a_negative_quantity_on_an_item_with_nothing_allocated_sets_zero(sim: Sim) -> None:
    """The floor is allocatedStock, here 0: "the lowest possible value without affecting any reserved orders"."""
    assert await update(sim.client, {"products": [{"product": "9876543210123", "quantity": -5}]}) == {"status": "ok"}
    assert physical(await items(sim.client))[1002] == 0
    assert [(n["requestedQuantity"], n["physicalStock"]) for n in await notifications(sim.client)] == [(-5, 0)]
