"""A shop's ``input: lenient`` profile (inferred): numbers written as text or as integral floats are the numbers they
spell, and unknown and read-only fields are left out, so a PATCH of the shop's own GET body works. Strict (the
default) refuses all of these with 400 (test_patch.py::test_bad_patches_change_nothing)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support import app_for, basic, in_process

pytestmark = pytest.mark.anyio
SCENARIO = """
merchantpro:
  shops:
    - name: s
      api_key: k
      api_secret: p
      input: {input}
      products:
        - {{id: 1, sku: A, stock: 3, price_net: 10}}
    - name: mw
      api_key: k
      api_secret: p
      input: {input}
      multi_warehouse: true
      warehouses: [{{id: 1, name: Central}}, {{id: 2, name: Supplier}}]
      products:
        - {{id: 2, sku: B, price_net: 10, warehouses: [{{id: 1, stock: 5}}, {{id: 2, stock: 15}}]}}
"""
AUTH = basic("k", "p")
ITEM = "/merchantpro/s/api/v2/inventory/id/1"
MW_ITEM = "/merchantpro/mw/api/v2/inventory/id/2"


def app(profile: str) -> Any:
    return app_for(SCENARIO.format(input=profile))


async def test_numbers_as_text_or_whole_floats_and_unknown_fields_pass() -> None:
    """The PHP habit (vendor-facts.md, "Found since": "numbers sent as strings by PHP clients reading from PDO")."""
    async with in_process(app("lenient")) as client:
        r = await client.patch(ITEM, json={"stock": "5", "note": "from PDO"}, headers=AUTH)
        assert (r.status_code, r.json()["stock"]) == (200, 5)
        r = await client.patch(ITEM, json={"stock": 7.0}, headers=AUTH)
        assert r.json()["stock"] == 7
        r = await client.patch(ITEM, json={"stock": {"adjust_by": "-2", "why": "sold"}}, headers=AUTH)
        assert r.json()["stock"] == 5
        r = await client.patch(ITEM, json={"stock": " 12 ", "price_net": "1344.54"}, headers=AUTH)
        assert (r.json()["stock"], r.json()["price_net"], r.json()["price_gross"]) == (12, 1344.54, 1600.0)
        r = await client.patch(ITEM, json={"stock": {"adjust_by": 3.0}}, headers=AUTH)
        assert r.json()["stock"] == 15
        body = {
            "warehouses": [{"id": "2", "stock": "20", "extra": 1}, {"name": "Central", "stock": {"adjust_by": "1"}}]
        }
        r = await client.patch(MW_ITEM, json=body, headers=AUTH)
        assert (r.status_code, r.json()["stock"], [w["stock"] for w in r.json()["warehouses"]]) == (200, 26, [6, 20])


@pytest.mark.parametrize("item", [ITEM, MW_ITEM])
async def test_a_patch_of_the_shops_own_get_body_is_accepted(item: str) -> None:
    """The doc's tip: "Any field that is returned and is not documented can be ignored" (for responses); lenient does
    the same for requests, and ignores the read-only `id`, `sku`, `ean` (and a Multi Warehouse shop's `stock`, the
    warehouses' sum: "stock alteration cannot be done directly using the field `stock`")."""
    async with in_process(app("lenient")) as client:
        record = (await client.get(item, headers=AUTH)).json()
        r = await client.patch(item, json=record, headers=AUTH)
        assert (r.status_code, r.json()) == (200, record)
        changed = {**record, "price_net": 20.0, "price_gross": 23.8, "future_field": True}
        if "warehouses" in record:
            changed["warehouses"] = [{**w, "stock": w["stock"] + 1} for w in record["warehouses"]]
            expected_stock = record["stock"] + 2
        else:
            changed["stock"] = record["stock"] + 1
            expected_stock = record["stock"] + 1
        r = await client.patch(item, json=changed, headers=AUTH)
        assert r.status_code == 200, r.text
        assert (r.json()["stock"], r.json()["price_net"], r.json()["id"]) == (expected_stock, 20.0, record["id"])


async def test_strict_refuses_the_get_body_and_text_numbers() -> None:
    async with in_process(app("strict")) as client:
        record = (await client.get(ITEM, headers=AUTH)).json()
        r = await client.patch(ITEM, json=record, headers=AUTH)
        assert (r.status_code, r.json()["error"]["field"]) == (400, "id")
        assert "read-only" in r.json()["error"]["message"]
        for body in [{"stock": "5"}, {"stock": 5.0}, {"stock": 1, "note": "x"}]:
            assert (await client.patch(ITEM, json=body, headers=AUTH)).status_code == 400
        assert (await client.get(ITEM, headers=AUTH)).json()["stock"] == 3


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"stock": "5.5"}, "stock", 'got the string "5.5"'),
        ({"stock": 1.5}, "stock", "got 1.5"),
        ({"stock": True}, "stock", "got true"),
        ({"stock": None}, "stock", "got null"),
        ({"stock": "1e3"}, "stock", 'got the string "1e3"'),
        ({"stock": "-1"}, "stock", "got -1"),
        ({"stock": ""}, "stock", 'got the string ""'),
        ({"stock": "٣"}, "stock", 'got the string "٣"'),
        ({"stock": 1_000_000_001}, "stock", "got 1000000001"),
        ({"stock": {"adjust_by": "x"}}, "stock.adjust_by", 'got the string "x"'),
        ({"stock": {}}, "stock.adjust_by", "Missing field"),
        ({"price_net": "12,50"}, "price_net", 'got the string "12,50"'),
        ({"price_net": "-1"}, "price_net", "got -1.0"),
        ({"inventory_enabled": 1}, "inventory_enabled", "got 1"),
        ([{"stock": 1}], None, "expected a JSON object, got an array"),
    ],
)
async def test_what_spells_no_valid_value_is_still_refused(body: Any, field: str | None, words: str) -> None:
    async with in_process(app("lenient")) as client:
        r = await client.patch(ITEM, json=body, headers=AUTH)
        assert r.status_code == 400, r.text
        error = r.json()["error"]
        assert (error.get("field"), words in error["message"]) == (field, True), error
        assert (await client.get(ITEM, headers=AUTH)).json()["stock"] == 3


async def test_lenient_is_per_shop_and_strict_is_the_default(client: httpx.AsyncClient) -> None:
    """The shipped default scenario's shops say nothing, so they are strict."""
    demo = basic("demo-api-key", "demo-api-secret")
    r = await client.patch("/merchantpro/demo/api/v2/inventory/id/10001", json={"stock": "5"}, headers=demo)
    assert r.status_code == 400
