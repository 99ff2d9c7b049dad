"""UPC: a Get stock filter and field, and an update identifier beside the EAN and the sku combination.

Source: Centra's Order API pages (centrahq/api-documentation, "Add UPC & EAN field to APIs"), summarised in
vendor-facts.md under "Found since": Get stock gains a ``upc`` query parameter and product field, and Update stock
says "Use ean, upc or a combination of sku, variantSku and sizeSku".
"""

from __future__ import annotations

import pytest

from tests.support import app_for, in_process
from tests.vendors.centra.conftest import BASE, TOKEN, Sim, get_stock, items, notifications, update

pytestmark = pytest.mark.anyio
TEE_UPC = "812345678901"  # the default scenario's item 1004, which has no EAN


async def test_get_stock_filters_by_upc_and_shows_it(sim: Sim) -> None:
    """The Order API pages add "a `upc` query parameter and product field to Get stock"; before, the filter was
    ignored and every product came back."""
    body = await get_stock(sim.client, f"?upc={TEE_UPC}")
    assert [(p["stockItemId"], p["upc"], p["ean"]) for p in body["products"]] == [(1004, TEE_UPC, None)]
    assert (await get_stock(sim.client, "?upc=000000000000"))["products"] == []
    # An EAN is not a UPC: each filter looks at its own field.
    assert (await get_stock(sim.client, "?upc=1234567890123"))["products"] == []
    assert [p["upc"] for p in (await get_stock(sim.client, "?productId=101"))["products"]] == [None, None, None]


async def test_upc_combines_with_the_other_filters(sim: Sim) -> None:
    """Get stock's filters all apply together (inferred, as for the documented ones)."""
    assert len((await get_stock(sim.client, f"?upc={TEE_UPC}&productId=102"))["products"]) == 1
    assert (await get_stock(sim.client, f"?upc={TEE_UPC}&productId=101"))["products"] == []


async def test_an_update_addresses_an_item_by_upc(sim: Sim) -> None:
    """Update stock: "Use ean, upc or a combination of sku, variantSku and sizeSku"."""
    assert await update(sim.client, {"products": [{"product": TEE_UPC, "quantity": 30}]}) == {"status": "ok"}
    assert (await items(sim.client))[1004]["physicalStock"] == 30
    # The same item by its sku combination, later in the same request: the later line wins.
    body = {"products": [{"product": TEE_UPC, "quantity": 5}, {"product": "TEE-200WHTM", "quantity": 6}]}
    assert await update(sim.client, body) == {"status": "ok"}
    assert (await items(sim.client))[1004]["physicalStock"] == 6


async def test_a_clamp_by_upc_names_the_upc(sim: Sim) -> None:
    """Update stock: "Centra will set the quantity to allocatedStock"; item 1004 has 1 allocated."""
    assert await update(sim.client, {"products": [{"product": TEE_UPC, "quantity": 0}]}) == {"status": "ok"}
    assert [(n["product"], n["stockItemId"], n["physicalStock"]) for n in await notifications(sim.client)] == [
        (TEE_UPC, 1004, 1)
    ]


async def test_an_unknown_upc_is_not_found(sim: Sim) -> None:
    """The doc's `productsNotFound`: "the product identifiers that could not be updated from the request"."""
    assert await update(sim.client, {"products": [{"product": "000000000000", "quantity": 1}]}) == {
        "status": "no",
        "msg": "Some of the products were not updated",
        "errors": {"productsNotFound": ["000000000000"]},
    }


async def test_an_item_with_both_ean_and_upc_answers_to_either() -> None:
    scenario = """
centra:
  plugins:
    - name: demo
      api_token: demo-centra-api-token
      items:
        - {stockItemId: 1, productId: 1, variantId: 1, sku: A, ean: "0012345678905", upc: "012345678905",
           physicalStock: 3}
"""
    async with in_process(app_for(scenario)) as client:
        for product, quantity in (("0012345678905", 4), ("012345678905", 5), ("A", 6)):
            r = await client.post(
                f"{BASE}/stock", json={"products": [{"product": product, "quantity": quantity}]}, headers=TOKEN
            )
            assert r.json() == {"status": "ok"}
            body = (await client.get(f"{BASE}/stock?upc=012345678905", headers=TOKEN)).json()
            assert [(p["ean"], p["upc"], p["physicalStock"]) for p in body["products"]] == [
                ("0012345678905", "012345678905", quantity)
            ]
