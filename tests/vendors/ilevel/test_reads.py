"""GET /api/warehouse and GET /api/stock in i.LEVEL's paged wrapper (field lists inferred)."""

from __future__ import annotations

import httpx
import pytest

from tests.support import app_for, basic, in_process
from tests.vendors.ilevel.conftest import DEMO, OTHER_WAREHOUSE, VARIANT_1, WAREHOUSE

pytestmark = pytest.mark.anyio


def wrapper(collection: str, records: list[object], page: int = 1, pages: int = 1, found: int | None = None) -> object:
    found = len(records) if found is None else found
    return {
        "response": {
            "page": page,
            "pageCount": pages,
            "recordsSent": len(records),
            "recordsFound": found,
            collection: records,
        }
    }


async def test_warehouses(client: httpx.AsyncClient) -> None:
    r = await client.get("/ilevel/demo/api/warehouse", headers=DEMO)
    assert r.status_code == 200
    assert r.json() == wrapper(
        "warehouse",
        [{"id": WAREHOUSE, "name": "Main warehouse"}, {"id": OTHER_WAREHOUSE, "name": "Returns warehouse"}],
    )


async def test_warehouse_paging(client: httpx.AsyncClient) -> None:
    r = await client.get("/ilevel/demo/api/warehouse?page=2&pagesize=1", headers=DEMO)
    assert r.json() == wrapper("warehouse", [{"id": OTHER_WAREHOUSE, "name": "Returns warehouse"}], 2, 2, 2)
    r = await client.get("/ilevel/demo/api/warehouse?page=3&pagesize=1", headers=DEMO)
    assert r.json() == wrapper("warehouse", [], 3, 2, 2)


@pytest.mark.parametrize(
    "query", ["page=0", "page=-1", "page=x", "pagesize=0", "pagesize=1001", "page=1.5", "page=" + "9" * 50]
)
async def test_bad_paging_is_400(client: httpx.AsyncClient, query: str) -> None:
    r = await client.get(f"/ilevel/demo/api/warehouse?{query}", headers=DEMO)
    assert r.status_code == 400
    body = r.json()
    assert body["allPassed"] is False and body["results"] == []
    assert body["error"].startswith("Invalid query parameter " + query.split("=")[0] + ":")


async def test_single_stock_item_by_variant_barcode_or_code(client: httpx.AsyncClient) -> None:
    base = f"/ilevel/demo/api/stock?warehouse_id={WAREHOUSE}"
    record = {"warehouse_id": WAREHOUSE, "variant_id": VARIANT_1, "inStock": 5, "demand": 1, "supply": 2}
    r = await client.get(f"{base}&variant_id={VARIANT_1}", headers=DEMO)
    assert r.json() == wrapper("stock", [record])
    for query in ("barcode=nope", "code=nope", f"variant_id={VARIANT_1.lower()}", "variant_id=" + "1" * 32):
        r = await client.get(f"{base}&{query}", headers=DEMO)
        assert r.json() == wrapper("stock", [], pages=0)
    # A variant that exists but has no record in the warehouse: nothing found until a batch creates it.
    r = await client.get(f"{base}&barcode=5052011221399", headers=DEMO)
    assert r.json() == wrapper("stock", [], pages=0)


async def test_stock_of_a_warehouse_is_paged(client: httpx.AsyncClient) -> None:
    body = {"batchStock": {"item": [{"barcode": "5052011221399", "inStock": 2}, {"code": "ACC001018__A"}]}}
    r = await client.post(f"/ilevel/demo/api/batchStock?warehouse_id={WAREHOUSE}", json=body, headers=DEMO)
    assert r.json()["allPassed"] is True
    r = await client.get(f"/ilevel/demo/api/stock?warehouse_id={WAREHOUSE}&pagesize=2&page=2", headers=DEMO)
    response = r.json()["response"]
    assert {k: response[k] for k in ("page", "pageCount", "recordsSent", "recordsFound")} == {
        "page": 2,
        "pageCount": 2,
        "recordsSent": 1,
        "recordsFound": 3,
    }
    r = await client.get(f"/ilevel/demo/api/stock?warehouse_id={OTHER_WAREHOUSE}", headers=DEMO)
    assert r.json() == wrapper("stock", [], pages=0)


async def test_stock_needs_a_known_warehouse(client: httpx.AsyncClient) -> None:
    r = await client.get("/ilevel/demo/api/stock", headers=DEMO)
    assert (r.status_code, r.json()["error"]) == (400, "Missing query parameter warehouse_id")
    r = await client.get("/ilevel/demo/api/stock?warehouse_id=ABC", headers=DEMO)
    assert (r.status_code, r.json()["error"]) == (400, "Warehouse not found: ABC")


async def test_default_page_size_is_100() -> None:
    scenario = """
ilevel:
  tenants:
    - {name: t, username: u, api_key: k, generate: {count: 150},
       warehouses: [{id: 1571945CAB99744086F9FDFC9D9332D5, name: Main}]}
"""
    async with in_process(app_for(scenario)) as client:
        items = [{"code": f"GEN-{n:07d}", "inStock": n} for n in range(1, 151)]
        path = f"/ilevel/t/api/batchStock?warehouse_id={WAREHOUSE}"
        assert (await client.post(path, json={"batchStock": {"item": items}}, headers=basic("u", "k"))).json()[
            "allPassed"
        ]
        r = await client.get(f"/ilevel/t/api/stock?warehouse_id={WAREHOUSE}", headers=basic("u", "k"))
        response = r.json()["response"]
        assert (response["pageCount"], response["recordsSent"], response["recordsFound"]) == (2, 100, 150)
        variants = [s["variant_id"] for s in response["stock"]]
        assert variants == sorted(variants)
