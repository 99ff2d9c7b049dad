"""Every request in merchantpro-stock-api.txt, sent to the default scenario, gets the doc's response.

The doc's examples are not one sequence (example 5's prices come after example 6's price change), so each
PATCH runs on a fresh sandbox, prepared with the doc's earlier requests where the doc's response depends on them.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.vendors.merchantpro.conftest import DEMO, DEMO_MW, JSON

pytestmark = pytest.mark.anyio
BASE = "/merchantpro/demo/api/v2/inventory"
BASE_MW = "/merchantpro/demo-mw/api/v2/inventory"


async def get(client: httpx.AsyncClient, path: str, auth: dict[str, str] = DEMO) -> Any:
    r = await client.get(path, headers={**JSON, **auth})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    return r.json()


async def patch(client: httpx.AsyncClient, path: str, body: dict[str, Any], auth: dict[str, str] = DEMO) -> Any:
    r = await client.patch(path, json=body, headers={**JSON, **auth})
    assert r.status_code == 200, r.text
    return r.json()


async def test_get_by_id(client: httpx.AsyncClient) -> None:
    assert await get(client, f"{BASE}/id/10001") == {
        "id": 10001,
        "sku": "WMY71443LB2",
        "ean": "8690842009112",
        "inventory_enabled": "on",
        "stock": 10,
        "price_net": 1428.57,
        "price_gross": 1700.00,
    }


async def test_get_by_sku_without_stock_while_inventory_off(client: httpx.AsyncClient) -> None:
    assert await get(client, f"{BASE}/sku/TShirt.Blk.XL") == {
        "id": 10002,
        "sku": "TShirt.Blk.XL",
        "ean": None,
        "inventory_enabled": "off",
        "price_net": 75.63,
        "price_gross": 90.00,
    }


async def test_get_by_ean_multi_warehouse(client: httpx.AsyncClient) -> None:
    assert await get(client, f"{BASE_MW}/ean/7332543402632", DEMO_MW) == {
        "id": 10003,
        "sku": "ZCG212H1WA",
        "ean": "7332543402632",
        "inventory_enabled": "on",
        "stock": 20,
        "warehouses": [
            {"id": 1, "name": "Depozit central", "stock": 5},
            {"id": 2, "name": "Depozit furnizor (Nod)", "stock": 15},
        ],
        "price_net": 756.30,
        "price_gross": 900.00,
    }


async def test_patch_stock_and_net_price_by_id(client: httpx.AsyncClient) -> None:
    expected = {
        "id": 10001,
        "sku": "WMY71443LB2",
        "ean": "8690842009112",
        "inventory_enabled": "on",
        "stock": 20,
        "price_net": 1344.54,
        "price_gross": 1600.00,
    }
    assert await patch(client, f"{BASE}/id/10001", {"stock": 20, "price_net": 1344.54}) == expected
    assert await get(client, f"{BASE}/id/10001") == expected


async def test_patch_gross_price_by_sku(client: httpx.AsyncClient) -> None:
    assert await patch(client, f"{BASE}/sku/TShirt.Blk.XL", {"price_gross": 80.00}) == {
        "id": 10002,
        "sku": "TShirt.Blk.XL",
        "ean": None,
        "inventory_enabled": "off",
        "price_net": 67.23,
        "price_gross": 80.00,
    }


async def test_activate_stock_by_id_after_price_change(client: httpx.AsyncClient) -> None:
    await patch(client, f"{BASE}/sku/TShirt.Blk.XL", {"price_gross": 80.00})
    assert await patch(client, f"{BASE}/id/10002", {"inventory_enabled": "on", "stock": 5}) == {
        "id": 10002,
        "sku": "TShirt.Blk.XL",
        "ean": None,
        "inventory_enabled": "on",
        "stock": 5,
        "price_net": 67.23,
        "price_gross": 80.00,
    }


async def test_stock_increment_by_sku(client: httpx.AsyncClient) -> None:
    await patch(client, f"{BASE}/sku/TShirt.Blk.XL", {"price_gross": 80.00})
    await patch(client, f"{BASE}/id/10002", {"inventory_enabled": "on", "stock": 5})
    body = {"inventory_enabled": "on", "stock": {"adjust_by": 3}}
    assert await patch(client, f"{BASE}/sku/TShirt.Blk.XL", body) == {
        "id": 10002,
        "sku": "TShirt.Blk.XL",
        "ean": None,
        "inventory_enabled": "on",
        "stock": 8,
        "price_net": 67.23,
        "price_gross": 80.00,
    }


async def test_warehouse_update_by_ean(client: httpx.AsyncClient) -> None:
    body = {"warehouses": [{"name": "Depozit central", "stock": 10}, {"name": "Depozit furnizor (Nod)", "stock": 15}]}
    expected = {
        "id": 10003,
        "sku": "ZCG212H1WA",
        "ean": "7332543402632",
        "inventory_enabled": "on",
        "stock": 25,
        "warehouses": [
            {"id": 1, "stock": 10, "name": "Depozit central"},
            {"id": 2, "stock": 15, "name": "Depozit furnizor (Nod)"},
        ],
        "price_net": 756.30,
        "price_gross": 900.00,
    }
    assert await patch(client, f"{BASE_MW}/ean/7332543402632", body, DEMO_MW) == expected
    assert await get(client, f"{BASE_MW}/id/10003", DEMO_MW) == expected


async def test_the_docs_curl_request_shape(client: httpx.AsyncClient) -> None:
    # The doc's curl sends Accept and Content-type on a GET too, and a raw JSON body on PATCH.
    r = await client.request(
        "PATCH",
        f"{BASE}/id/10001",
        content=b'{\n  "stock": 20,\n  "price_net": 1344.54\n}',
        headers={"Accept": "application/json", "Content-type": "application/json", **DEMO},
    )
    assert r.status_code == 200 and r.json()["price_gross"] == 1600.00
