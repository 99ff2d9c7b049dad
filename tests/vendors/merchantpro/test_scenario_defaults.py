"""What a scenario's product gets when it leaves a field out, as a client sees it over HTTP."""

from __future__ import annotations

import pytest

from tests.support import app_for, basic, in_process

pytestmark = pytest.mark.anyio
SCENARIO = """
merchantpro:
  shops:
    - name: s
      api_key: k
      api_secret: p
      products:
        - {id: 1, sku: SILENT, price_net: 10}
        - {id: 2, sku: STOCKED, stock: 4, price_net: 10}
        - {id: 3, sku: ZERO, stock: 0, price_net: 10}
        - {id: 4, sku: TURNED-OFF, inventory_enabled: "off", stock: 4, price_net: 10}
        - {id: 5, sku: TURNED-ON, inventory_enabled: "on", price_net: 10}
      generate: {count: 1, first_id: 100}
    - name: mw
      api_key: k
      api_secret: p
      multi_warehouse: true
      warehouses: [{id: 1, name: Central}]
      products:
        - {id: 1, sku: SILENT, price_net: 10}
        - {id: 2, sku: STOCKED, price_net: 10, warehouses: [{id: 1, stock: 2}]}
"""


async def test_inventory_is_off_unless_the_product_lists_stock() -> None:
    """The doc's field table: "inventory_enabled string Enabling the product inventory function (default off)". A
    product that lists `stock` or `warehouses` (inferred) has it on: its scenario means the shop to count that stock."""
    async with in_process(app_for(SCENARIO)) as client:
        seen = {}
        for shop, sku in [("s", "SILENT"), ("s", "STOCKED"), ("s", "ZERO"), ("s", "TURNED-OFF"), ("s", "TURNED-ON")]:
            r = await client.get(f"/merchantpro/{shop}/api/v2/inventory/sku/{sku}", headers=basic("k", "p"))
            seen[sku] = (r.json()["inventory_enabled"], r.json().get("stock"))
        assert seen == {
            "SILENT": ("off", None),
            "STOCKED": ("on", 4),
            "ZERO": ("on", 0),
            "TURNED-OFF": ("off", None),
            "TURNED-ON": ("on", 0),
        }
        mw = {}
        for sku in ["SILENT", "STOCKED"]:
            r = await client.get(f"/merchantpro/mw/api/v2/inventory/sku/{sku}", headers=basic("k", "p"))
            mw[sku] = (r.json()["inventory_enabled"], r.json().get("stock"))
        assert mw == {"SILENT": ("off", None), "STOCKED": ("on", 2)}
        r = await client.get("/merchantpro/s/api/v2/inventory/id/100", headers=basic("k", "p"))
        assert r.json()["inventory_enabled"] == "on"  # generated products always have stock


async def test_a_product_without_the_function_takes_stock_once_switched_on() -> None:
    """The doc's "Activation of stock function": PATCH {"inventory_enabled": "on", "stock": 5} on a product that was
    off."""
    async with in_process(app_for(SCENARIO)) as client:
        url = "/merchantpro/s/api/v2/inventory/sku/SILENT"
        r = await client.patch(url, json={"inventory_enabled": "on", "stock": 5}, headers=basic("k", "p"))
        assert (r.json()["inventory_enabled"], r.json()["stock"]) == ("on", 5)
