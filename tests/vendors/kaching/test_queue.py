"""The import queue: values are applied after the response, in order, and each outcome is logged."""

from __future__ import annotations

import anyio
import httpx
import pytest

from tests.support import app_for, in_process
from tests.vendors.kaching.conftest import (
    ADJUST,
    LOC,
    STOCK,
    accepted,
    events,
    eventually,
    pending,
    queue_log,
    scenario,
    stock_of,
)

pytestmark = pytest.mark.anyio


async def test_processing_delay_makes_the_lag_real() -> None:
    async with in_process(app_for(scenario(delay=0.4))) as client:
        assert await accepted(client, STOCK, {LOC: {"product1": 9}}) == "Import of 1 stock value(s) initiated"
        # Accepted, not applied: the state, events and logs still show the old world.
        assert (await stock_of(client))[LOC] == {"product1": 3}
        assert await pending(client) == 1
        assert await events(client) == []
        log = await queue_log(client)
        assert (log["success"], log["failure"]) == ([], [])
        assert [(i["kind"], i["values"], i["applied"]) for i in log["imports"]] == [("reset", 1, False)]

        async def applied() -> bool:
            return await pending(client) == 0

        await eventually(applied)
        assert (await stock_of(client))[LOC] == {"product1": 9}
        assert [(e["count_before"], e["count_after"]) for e in await events(client)] == [(3, 9)]
        assert (await queue_log(client))["imports"][0]["applied"] is True


async def test_delay_is_measured_from_acceptance() -> None:
    async with in_process(app_for(scenario(delay=0.3))) as client:
        await accepted(client, STOCK, {LOC: {"product1": 9}})
        await anyio.sleep(0.1)
        assert await pending(client) == 1
        await anyio.sleep(0.5)
        assert await pending(client) == 0


async def test_imports_on_a_queue_apply_in_the_order_received() -> None:
    async with in_process(app_for(scenario(delay=0.2))) as client:
        await accepted(client, STOCK, {LOC: {"product1": 10}})
        await accepted(client, ADJUST, {LOC: {"product1": -4}})
        await accepted(client, STOCK, {LOC: {"product1": 1}}, method="DELETE")
        await accepted(client, STOCK, {LOC: {"product1": 2}})
        await accepted(client, ADJUST, {LOC: {"product1": 5}})
        assert await pending(client) == 5

        async def drained() -> bool:
            return await pending(client) == 0

        await eventually(drained)
        assert (await stock_of(client))[LOC] == {"product1": 7}
        found = await events(client)
        assert [(e["type"], e["count_before"], e["count_after"]) for e in found] == [
            ("external_reset", 3, 10),
            ("external_adjustment", 10, 6),
            ("external_removal", 6, None),
            ("external_reset", None, 2),
            ("external_adjustment", 2, 7),
        ]
        assert [e["import_id"] for e in found] == sorted(e["import_id"] for e in found)


async def test_without_delay_the_next_request_sees_the_import(client: httpx.AsyncClient) -> None:
    for n in range(20):
        await accepted(client, ADJUST, {LOC: {"product1": 1}})
        assert (await stock_of(client))[LOC]["product1"] == 4 + n


@pytest.mark.parametrize("char", list(".$#[]/*"))
async def test_firebase_forbidden_characters_go_to_the_failure_log(client: httpx.AsyncClient, char: str) -> None:
    product, variant = f"bad{char}id", f"v{char}1"
    body = {LOC: {product: 5, "product2": 5, "product9": {variant: 1, "ok": 2}}}
    assert await accepted(client, STOCK, body) == "Import of 4 stock value(s) initiated"
    log = await queue_log(client)
    assert [(f["product_id"], f["variant_id"], f["value"], f["message"]) for f in log["failure"]] == [
        (product, None, 5, f"invalid product id: {product!r} contains {char!r}; ids cannot contain . / # $ * [ ]"),
        (
            "product9",
            variant,
            1,
            f"invalid variant id: {variant!r} contains {char!r}; ids cannot contain . / # $ * [ ]",
        ),
    ]
    assert [(s["product_id"], s["variant_id"]) for s in log["success"]] == [("product2", None), ("product9", "ok")]
    assert (await stock_of(client))[LOC] == {"product1": 3, "product2": 5, "product9": {"ok": 2}}


async def test_per_value_failures_are_logged_and_the_rest_applies(client: httpx.AsyncClient) -> None:
    await accepted(client, STOCK, {LOC: {"product2": 1}}, method="DELETE")  # never stocked
    await accepted(client, ADJUST, {LOC: {"product1": 1, "new-product": 1}})  # new-product is not stocked
    await accepted(client, STOCK, {LOC: {"product3": 5}})  # product3 has variants in the catalog
    await accepted(client, STOCK, {LOC: {"product1": {"variant1": 5}}})  # product1 has none
    await accepted(client, STOCK, {LOC: {"loose": 5}})
    await accepted(client, STOCK, {LOC: {"loose": {"v": 1}}})  # stocked plain already
    await accepted(client, ADJUST, {LOC: {"product1": 999_999_999}})  # would pass the largest count
    await accepted(client, STOCK, {LOC: {"": 1}})
    log = await queue_log(client)
    assert [(f["import_id"], f["product_id"], f["message"]) for f in log["failure"]] == [
        (1, "product2", "not stocked at this location; nothing to remove"),
        (2, "new-product", "not stocked at this location; an adjustment needs an existing stock count"),
        (3, "product3", "product 'product3' has variants; send a value per variant"),
        (4, "product1", "product 'product1' has no variants; send a plain value"),
        (6, "loose", "product 'loose' is stocked here without variants; send a plain value"),
        (7, "product1", "the count would become 1000000003, outside -1000000000..1000000000"),
        (8, "", "invalid product id: an id cannot be empty"),
    ]
    assert [(s["import_id"], s["product_id"], s["message"]) for s in log["success"]] == [
        (2, "product1", "stock count adjusted to 4"),
        (5, "loose", "stock count set to 5"),
    ]
    assert (await stock_of(client))[LOC] == {"product1": 4, "loose": 5}
    assert len(await events(client)) == 2  # failed values make no stock event


async def test_adjustment_on_a_removed_record_fails(client: httpx.AsyncClient) -> None:
    await accepted(client, STOCK, {LOC: {"product1": 0}}, method="DELETE")
    await accepted(client, ADJUST, {LOC: {"product1": 4}})
    assert (await queue_log(client))["failure"][-1]["message"] == (
        "not stocked at this location; an adjustment needs an existing stock count"
    )
    assert (await stock_of(client))[LOC] == {}


async def test_adjust_unstocked_from_zero_is_a_scenario_setting() -> None:
    extra = "      adjust_unstocked: from_zero"
    async with in_process(app_for(scenario(extra=extra))) as client:
        await accepted(client, ADJUST, {LOC: {"fresh": -2}})
        assert (await stock_of(client))[LOC] == {"product1": 3, "fresh": -2}
        assert [(e["count_before"], e["count_after"]) for e in await events(client)] == [(None, -2)]


async def test_products_not_in_the_catalog_are_importable(client: httpx.AsyncClient) -> None:
    """ "It is possible to import products that do not (yet) exist at a given stock location.\""""
    await accepted(client, STOCK, {"warehouse": {"brand-new": 4, "new-with-variants": {"s": 1, "m": 2}}})
    stock = await stock_of(client)
    assert stock["warehouse"]["brand-new"] == 4
    assert stock["warehouse"]["new-with-variants"] == {"s": 1, "m": 2}


async def test_negative_counts_are_accepted(client: httpx.AsyncClient) -> None:
    await accepted(client, STOCK, {LOC: {"product1": -3}})
    assert (await stock_of(client))[LOC]["product1"] == -3


async def test_reset_clears_stock_pending_imports_logs_and_events() -> None:
    async with in_process(app_for(scenario(delay=30))) as client:
        await accepted(client, STOCK, {LOC: {"product1": 9}})
        assert await pending(client) == 1
        assert (await client.post("/_sim/reset")).status_code == 200
        assert await pending(client) == 0
        assert (await queue_log(client))["imports"] == []
    async with in_process(app_for(scenario())) as client:
        await accepted(client, STOCK, {LOC: {"product1": 9, "x.y": 1}})
        assert (await client.post("/_sim/reset")).status_code == 200
        assert (await stock_of(client))[LOC] == {"product1": 3}
        assert await events(client) == []
        log = await queue_log(client)
        assert (log["success"], log["failure"], log["imports"]) == ([], [], [])
