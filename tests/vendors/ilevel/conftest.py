from __future__ import annotations

from typing import Any

import httpx

from tests.support import basic

DEMO = basic("demo", "demo-ilevel-api-key")
WAREHOUSE = "1571945CAB99744086F9FDFC9D9332D5"
OTHER_WAREHOUSE = "8E0F3D4C2B1A49D7A6E5F4C3B2A19080"
VARIANT_1 = "0A5EEDAF16F8D54486AB2AD7474B3994"
VARIANT_2 = "1571945CAB99744086F9FDFC9D9332D5"
BARCODE_VARIANT = "5B1C2D3E4F5061728394A5B6C7D8E9F0"
CODE_VARIANT = "6C2D3E4F5061728394A5B6C7D8E9F0A1"
FAILING_VARIANT = "7D3E4F5061728394A5B6C7D8E9F0A1B2"
BATCH = f"/ilevel/demo/api/batchStock?warehouse_id={WAREHOUSE}"
JSON = {"Content-Type": "application/json"}


async def post_batch(client: httpx.AsyncClient, body: Any, path: str = BATCH, **kw: Any) -> httpx.Response:
    return await client.post(path, json=body, headers={**JSON, **DEMO}, **kw)


LEVELS = ("fk_warehouse", "fk_variant", "inStock", "demand", "supply")


async def stock_of(client: httpx.AsyncClient, variant: str, warehouse: str = WAREHOUSE) -> list[Any]:
    """The variant's record in the warehouse (or nothing), cut down to where it is and its three figures."""
    r = await client.get(f"/ilevel/demo/api/stock?warehouse_id={warehouse}&variant_id={variant}", headers=DEMO)
    assert r.status_code == 200, r.text
    return [{k: record[k] for k in LEVELS} for record in r.json()["response"]["stock"]]


async def snapshot(client: httpx.AsyncClient) -> Any:
    """Everything the default sandbox holds for i.LEVEL, to assert that a refused request changed nothing."""
    r = await client.get("/_sim/state?vendor=ilevel")
    assert r.status_code == 200, r.text
    return r.json()
