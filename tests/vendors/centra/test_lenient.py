"""A plugin's ``input: lenient`` profile (inferred): quantities written as numeric strings or integral floats are the
whole numbers they spell, and fields an update does not have are left out; strict (the default) refuses both with
status "no" (test_bad_input.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import app_for, in_process
from tests.vendors.centra.conftest import BASE, TOKEN, Sim

pytestmark = pytest.mark.anyio


def scenario(profile: str) -> str:
    return f"""
centra:
  plugins:
    - name: demo
      api_token: demo-centra-api-token
      input: {profile}
      items:
        - {{stockItemId: 1, productId: 1, variantId: 1, sku: A, ean: "111", physicalStock: 5, allocatedStock: 2}}
        - {{stockItemId: 2, productId: 1, variantId: 1, sku: B, ean: "222", physicalStock: 5}}
"""


async def stock(client: Any) -> dict[int, int]:
    body = (await client.get(f"{BASE}/stock", headers=TOKEN)).json()
    return {p["stockItemId"]: p["physicalStock"] for p in body["products"]}


async def test_numbers_as_text_or_whole_floats_and_unknown_fields_pass() -> None:
    async with in_process(app_for(scenario("lenient"))) as client:
        body = {
            "products": [
                {"product": "111", "quantity": "7", "sku": "A", "note": "from PDO"},
                {"product": "222", "quantity": 9.0, "physicalStock": 5, "costPrice": "1.50"},
            ],
            "source": "erp",
        }
        r = await client.post(f"{BASE}/stock", json=body, headers=TOKEN)
        assert r.json() == {"status": "ok"}
        assert await stock(client) == {1: 7, 2: 9}
        # Text with spaces and zeros, and a negative one, which the clamp then raises to the 2 allocated.
        body = {"products": [{"product": "111", "quantity": " -3 "}, {"product": "222", "quantity": "004.00"}]}
        assert (await client.post(f"{BASE}/stock", json=body, headers=TOKEN)).json() == {"status": "ok"}
        assert await stock(client) == {1: 2, 2: 4}


async def test_a_get_stock_record_can_be_posted_back() -> None:
    """Lenient leaves Get stock's read-only fields out, so a record read back updates its item by its EAN."""
    async with in_process(app_for(scenario("lenient"))) as client:
        record = (await client.get(f"{BASE}/stock?stockItemId=2", headers=TOKEN)).json()["products"][0]
        line = {**record, "product": record["ean"], "quantity": "12"}
        r = await client.put(f"{BASE}/stock", json={"products": [line]}, headers=TOKEN)
        assert r.json() == {"status": "ok"}
        assert await stock(client) == {1: 5, 2: 12}


@pytest.mark.parametrize(
    ("quantity", "shown"),
    [
        ("5.5", 'the string "5.5"'),
        (5.5, "5.5"),
        (True, "true"),
        (None, "null"),
        ("", 'the string ""'),
        ("1e3", 'the string "1e3"'),
        ("1000000001", 'the string "1000000001"'),
        (-1_000_000_001.0, "-1000000001.0"),
        ("٣", 'the string "٣"'),
        ("--1", 'the string "--1"'),
    ],
)
async def test_what_spells_no_whole_quantity_is_still_refused(quantity: Any, shown: str) -> None:
    async with in_process(app_for(scenario("lenient"))) as client:
        body = {"products": [{"product": "111", "quantity": quantity}]}
        r = await client.post(f"{BASE}/stock", json=body, headers=TOKEN)
        assert r.json() == {
            "status": "no",
            "msg": f"products[0].quantity must be a whole number from -1000000000 to 1000000000, got {shown}",
        }
        assert await stock(client) == {1: 5, 2: 5}


async def test_strict_is_the_default_and_refuses_both(sim: Sim) -> None:
    body = {"products": [{"product": "1234567890123", "quantity": 5, "sku": "BLZ-100"}]}
    r = await sim.client.post(f"{BASE}/stock", json=body, headers=TOKEN)
    assert r.json() == {"status": "no", "msg": "Unknown parameter products[0].sku"}
    r = await sim.client.post(
        f"{BASE}/stock", json={"products": [{"product": "1234567890123", "quantity": 5.0}]}, headers=TOKEN
    )
    assert r.json() == {
        "status": "no",
        "msg": "products[0].quantity must be a whole number from -1000000000 to 1000000000, got 5.0",
    }


async def test_the_profile_is_per_plugin() -> None:
    other = (
        "    - {name: other, api_token: other-token, items: [{stockItemId: 1, productId: 1, variantId: 1, sku: A}]}\n"
    )
    async with in_process(app_for(scenario("lenient") + other)) as client:
        body = {"products": [{"product": "A", "quantity": "3"}]}
        r = await client.post("/centra/other/stock", json=body, headers={"API-Authorization": "other-token"})
        assert r.json()["status"] == "no"
        assert (await client.post(f"{BASE}/stock", json=body, headers=TOKEN)).json() == {"status": "ok"}
