"""A tenant's ``input: lenient`` profile (inferred): quantities written as numeric strings or integral floats are the
whole numbers they spell, and properties an item does not have are left out; strict (the default) fails such items
with 12051 (tests/vendors/ilevel/test_batch.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import app_for, basic, in_process
from tests.vendors.ilevel.conftest import LEVELS, VARIANT_1, VARIANT_2, WAREHOUSE

pytestmark = pytest.mark.anyio
SCENARIO = f"""
ilevel:
  tenants:
    - name: t
      username: u
      api_key: k
      input: lenient
      warehouses: [{{id: {WAREHOUSE}, name: Main}}]
      variants: [{{variant_id: {VARIANT_1}, code: A}}, {{variant_id: {VARIANT_2}, code: B}}]
"""
AUTH = basic("u", "k")
BATCH = f"/ilevel/t/api/batchStock?warehouse_id={WAREHOUSE}"
STOCK = f"/ilevel/t/api/stock?warehouse_id={WAREHOUSE}"


def levels(variant: str, in_stock: int, demand: int = 0, supply: int = 0) -> dict[str, Any]:
    return {"fk_warehouse": WAREHOUSE, "fk_variant": variant, "inStock": in_stock, "demand": demand, "supply": supply}


async def test_numbers_as_text_or_whole_floats_and_unknown_properties_pass() -> None:
    async with in_process(app_for(SCENARIO)) as client:
        items = [
            {"code": "A", "inStock": "5", "demand": 2.0, "supply": "007", "note": "from PDO"},
            {"variant_id": VARIANT_2, "inStock": " 12 ", "demand": "3.0", "sku": "x"},
        ]
        r = await client.post(BATCH, json={"batchStock": {"item": items}}, headers=AUTH)
        assert (r.status_code, r.json()) == (200, {"allPassed": True, "results": []})
        listed = (await client.get(STOCK, headers=AUTH)).json()["response"]["stock"]
        assert [{k: s[k] for k in LEVELS} for s in listed] == [levels(VARIANT_1, 5, 2, 7), levels(VARIANT_2, 12, 3)]
        r = await client.post(STOCK, json={"code": "A", "inStock": 9.0, "extra": True}, headers=AUTH)
        assert r.json() == {"allPassed": True, "results": []}


@pytest.mark.parametrize("bad", ["5.5", -1, "-1", True, None, 1.5, "", "1e3", 1_000_000_001, "٣"])
async def test_what_spells_no_whole_quantity_still_fails_with_12051(bad: Any) -> None:
    async with in_process(app_for(SCENARIO)) as client:
        item = {"code": "A", "inStock": bad}
        r = await client.post(BATCH, json={"batchStock": {"item": [item]}}, headers=AUTH)
        assert r.json()["results"] == [{**item, "success": False, "message": "Failed to save item"}]
        r = await client.post(STOCK, json=item, headers=AUTH)
        assert r.json()["results"] == [{**item, "success": False, "message": "Failed to save item"}]
        assert (await client.get(STOCK, headers=AUTH)).json()["response"]["recordsFound"] == 0
