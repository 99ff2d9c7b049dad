"""PATCH rules beyond the doc's examples: each bad request is a 400 naming the field, and changes nothing."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.vendors.merchantpro.conftest import DEMO, DEMO_MW, JSON

pytestmark = pytest.mark.anyio
BASE = "/merchantpro/demo/api/v2/inventory"
BASE_MW = "/merchantpro/demo-mw/api/v2/inventory"


async def state(client: httpx.AsyncClient) -> Any:
    r = await client.get("/_sim/state", params={"vendor": "merchantpro"})
    assert r.status_code == 200
    return r.json()


BAD_PATCHES: list[tuple[str, str, Any, str | None, str]] = [
    # (url, auth, body, field named in the error, words in the message)
    (f"{BASE}/id/10001", "demo", {"stok": 5}, "stok", "Unknown field"),
    (f"{BASE}/id/10001", "demo", {"sku": "X"}, "sku", "read-only"),
    (f"{BASE}/id/10001", "demo", {"id": 10001, "stock": 3}, "id", "read-only"),
    (f"{BASE}/id/10001", "demo", {"stock": "5"}, "stock", 'got the string "5"'),
    (f"{BASE}/id/10001", "demo", {"stock": 5.5}, "stock", "got 5.5"),
    (f"{BASE}/id/10001", "demo", {"stock": True}, "stock", "got true"),
    (f"{BASE}/id/10001", "demo", {"stock": None}, "stock", "got null"),
    (f"{BASE}/id/10001", "demo", {"stock": -1}, "stock", "expected a whole number from 0 to 1000000000"),
    (f"{BASE}/id/10001", "demo", {"stock": 10**12}, "stock", "got 1000000000000"),
    (f"{BASE}/id/10001", "demo", {"stock": {"adjust_by": -11}}, "stock", "cannot be negative"),
    (f"{BASE}/id/10001", "demo", {"stock": {"adjust_by": "3"}}, "stock.adjust_by", "from -1000000000 to"),
    (f"{BASE}/id/10001", "demo", {"stock": {"add": 3}}, "stock.add", "Unknown field"),
    (f"{BASE}/id/10001", "demo", {"inventory_enabled": "yes"}, "inventory_enabled", 'expected "on" or "off"'),
    (f"{BASE}/id/10001", "demo", {"inventory_enabled": True}, "inventory_enabled", "got true"),
    (f"{BASE}/id/10001", "demo", {"price_net": "12.00"}, "price_net", "expected a number"),
    (f"{BASE}/id/10001", "demo", {"price_gross": -1}, "price_gross", "from 0 to 1000000000, got -1"),
    (f"{BASE}/id/10001", "demo", {"price_net": 100, "price_gross": 500}, "price_gross", "disagree"),
    (f"{BASE}/id/10001", "demo", {"stock": 1, "warehouses": []}, "warehouses", "Multi Warehouse"),
    (f"{BASE}/id/10001", "demo", [{"stock": 1}], None, "expected a JSON object, got an array"),
    (f"{BASE_MW}/id/10003", "mw", {"stock": 30}, "stock", "Multi Warehouse"),
    (f"{BASE_MW}/id/10003", "mw", {"warehouses": [{"name": "Nowhere", "stock": 1}]}, "warehouses[0].name", "not exist"),
    (f"{BASE_MW}/id/10003", "mw", {"warehouses": [{"id": 9, "stock": 1}]}, "warehouses[0].id", "not exist"),
    (f"{BASE_MW}/id/10003", "mw", {"warehouses": [{"stock": 1}]}, "warehouses[0]", "id or name"),
    (f"{BASE_MW}/id/10003", "mw", {"warehouses": [{"id": 1}]}, "warehouses[0].stock", "Missing field"),
    (f"{BASE_MW}/id/10003", "mw", {"warehouses": [{"id": "1", "stock": 1}]}, "warehouses[0].id", "from 1 to"),
    (f"{BASE_MW}/id/10003", "mw", {"warehouses": [5]}, "warehouses[0]", "got 5"),
    (
        f"{BASE_MW}/id/10003",
        "mw",
        {"warehouses": [{"id": 1, "name": "Depozit furnizor (Nod)", "stock": 1}]},
        "warehouses[0]",
        "different warehouses",
    ),
    (
        f"{BASE_MW}/id/10003",
        "mw",
        {"warehouses": [{"id": 1, "stock": 1}, {"name": "Depozit central", "stock": 2}]},
        "warehouses[1]",
        "second time",
    ),
    (
        f"{BASE_MW}/id/10003",
        "mw",
        {"warehouses": [{"id": 1, "stock": 1}, {"id": 2, "stock": -4}]},
        "warehouses[1].stock",
        "got -4",
    ),
    (
        f"{BASE_MW}/id/10003",
        "mw",
        {"warehouses": [{"id": 1, "stock": 9}, {"id": 2, "stock": {"adjust_by": -16}}]},
        "warehouses[1].stock",
        "cannot be negative",
    ),
    (f"{BASE_MW}/id/10003", "mw", {"warehouses": {"id": 1, "stock": 1}}, "warehouses", "expected an array"),
]


@pytest.mark.parametrize(("url", "who", "body", "field", "words"), BAD_PATCHES)
async def test_bad_patches_change_nothing(
    client: httpx.AsyncClient, url: str, who: str, body: Any, field: str | None, words: str
) -> None:
    before = await state(client)
    auth = DEMO if who == "demo" else DEMO_MW
    r = await client.patch(url, json=body, headers={**JSON, **auth})
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert (error["code"], error["name"]) == (400, "Bad Request")
    assert words in error["message"]
    assert error.get("field") == field
    assert await state(client) == before
    # The simulator's own words: msgspec's ("Expected `int | object`, got `str`") never show.
    assert "`" not in error["message"] and "Expected" not in error["message"]


@pytest.mark.parametrize(
    ("content", "content_type", "words"),
    [
        (b"", "application/json", "empty"),
        (b"   ", "application/json", "empty"),
        (b'{"stock": 5', "application/json", "Malformed JSON"),
        (b'{"stock": NaN}', "application/json", "Malformed JSON"),
        (b"\xff\xfe{}", "application/json", "Malformed JSON"),
        (b"stock=5", "application/x-www-form-urlencoded", "Content-Type"),
        (b'{"stock": 5}', "text/plain", "Content-Type"),
    ],
)
async def test_malformed_bodies_are_400(
    client: httpx.AsyncClient, content: bytes, content_type: str, words: str
) -> None:
    before = await state(client)
    r = await client.patch(f"{BASE}/id/10001", content=content, headers={"Content-Type": content_type, **DEMO})
    assert r.status_code == 400, r.text
    assert words in r.json()["error"]["message"]
    assert await state(client) == before


async def test_missing_content_type_is_read_as_json(client: httpx.AsyncClient) -> None:
    r = await client.patch(f"{BASE}/id/10001", content=b'{"stock": 4}', headers=DEMO)
    assert r.status_code == 200 and r.json()["stock"] == 4


async def test_empty_patch_is_a_no_op(client: httpx.AsyncClient) -> None:
    before = (await client.get(f"{BASE}/id/10001", headers=DEMO)).json()
    r = await client.patch(f"{BASE}/id/10001", json={}, headers=DEMO)
    assert r.status_code == 200 and r.json() == before


async def test_both_prices_must_agree(client: httpx.AsyncClient) -> None:
    r = await client.patch(f"{BASE}/id/10001", json={"price_net": 1344.54, "price_gross": 1600.00}, headers=DEMO)
    assert r.status_code == 200
    assert (r.json()["price_net"], r.json()["price_gross"]) == (1344.54, 1600.00)


async def test_old_prices_appear_once_set(client: httpx.AsyncClient) -> None:
    r = await client.patch(f"{BASE}/id/10001", json={"old_price_gross": 1999.99}, headers=DEMO)
    assert r.status_code == 200
    assert (r.json()["old_price_net"], r.json()["old_price_gross"]) == (1680.66, 1999.99)
    listed = (await client.get(f"{BASE}/id/10011", headers=DEMO)).json()
    assert (listed["old_price_net"], listed["old_price_gross"]) == (66.81, 79.50)
    assert "old_price_net" not in (await client.get(f"{BASE}/id/10002", headers=DEMO)).json()


async def test_stock_kept_while_inventory_off(client: httpx.AsyncClient) -> None:
    r = await client.patch(f"{BASE}/sku/TShirt.Blk.XL", json={"stock": 7}, headers=DEMO)
    assert r.status_code == 200 and "stock" not in r.json()
    r = await client.patch(f"{BASE}/sku/TShirt.Blk.XL", json={"inventory_enabled": "on"}, headers=DEMO)
    assert r.json()["stock"] == 7


@pytest.mark.parametrize("sku", ["Mug/Red 350ml", "100% Cotton Tee", "Čaj-Zelený-Ünï"])
async def test_awkward_skus_round_trip(client: httpx.AsyncClient, sku: str) -> None:
    url = f"{BASE}/sku/{quote(sku, safe='')}"
    r = await client.get(url, headers=DEMO)
    assert r.status_code == 200 and r.json()["sku"] == sku
    before = r.json()["stock"]
    r = await client.patch(url, json={"stock": {"adjust_by": 2}}, headers=DEMO)
    assert r.status_code == 200 and r.json()["stock"] == before + 2


async def test_lookups_are_case_sensitive(client: httpx.AsyncClient) -> None:
    assert (await client.get(f"{BASE}/sku/tshirt.blk.xl", headers=DEMO)).status_code == 404
    assert (await client.get(f"{BASE}/SKU/TShirt.Blk.XL", headers=DEMO)).status_code == 404


async def test_warehouse_by_id_and_adjust(client: httpx.AsyncClient) -> None:
    body = {"warehouses": [{"id": 2, "stock": {"adjust_by": -5}}]}
    r = await client.patch(f"{BASE_MW}/sku/ZCG212H1WA", json=body, headers=DEMO_MW)
    assert r.status_code == 200, r.text
    assert r.json()["stock"] == 15
    assert [w["stock"] for w in r.json()["warehouses"]] == [5, 10]


async def test_warehouses_refused_without_multi_warehouse(client: httpx.AsyncClient) -> None:
    r = await client.get(f"{BASE}/id/10001", headers=DEMO)
    assert "warehouses" not in r.json()
    r = await client.patch(f"{BASE}/id/10001", json={"warehouses": [{"id": 1, "stock": 1}]}, headers=DEMO)
    assert r.status_code == 400 and r.json()["error"]["field"] == "warehouses"
