"""POST /api/stock, the single-item update (inferred), and the tenant settings around the stock resource.

ilevel-batch-stock.txt's first line: "The stock resource provides a way to update stock one item at a time." Its
method and body are not public: the simulator takes one batch item, or a record read back from GET /api/stock, and
answers as the batch answers a batch of one.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support import app_for, basic, in_process
from tests.vendors.ilevel.conftest import (
    BARCODE_VARIANT,
    CODE_VARIANT,
    DEMO,
    JSON,
    OTHER_WAREHOUSE,
    VARIANT_1,
    VARIANT_2,
    WAREHOUSE,
    snapshot,
    stock_of,
)

pytestmark = pytest.mark.anyio
STOCK = "/ilevel/demo/api/stock"
IN_MAIN = f"{STOCK}?warehouse_id={WAREHOUSE}"
ALL_PASSED = {"allPassed": True, "results": []}
SOME_FAILED = "Some items failed to update please check results."


def levels(warehouse: str, variant: str, in_stock: int, demand: int = 0, supply: int = 0) -> dict[str, Any]:
    return {"fk_warehouse": warehouse, "fk_variant": variant, "inStock": in_stock, "demand": demand, "supply": supply}


def failed(item: dict[str, Any], message: str) -> dict[str, Any]:
    return {"allPassed": False, "error": SOME_FAILED, "results": [{**item, "success": False, "message": message}]}


async def post(client: httpx.AsyncClient, body: Any, path: str = IN_MAIN) -> httpx.Response:
    return await client.post(path, json=body, headers={**JSON, **DEMO})


@pytest.mark.parametrize(
    "item",
    [
        {"variant_id": VARIANT_2, "inStock": 4, "demand": 1},
        {"barcode": "5052011221399", "inStock": 4, "demand": 1},
        {"code": "ACC001018__A", "inStock": 4, "demand": 1},
    ],
)
async def test_one_batch_item_updates_or_creates_one_record(client: httpx.AsyncClient, item: dict[str, Any]) -> None:
    """The batch item's properties (ilevel-batch-stock.txt): variant_id, barcode or code, and inStock, demand,
    supply; the answer is the batch's ``{"allPassed": true, "results": []}``."""
    r = await post(client, item)
    assert (r.status_code, r.json()) == (200, ALL_PASSED)
    variant = {"variant_id": VARIANT_2, "barcode": BARCODE_VARIANT, "code": CODE_VARIANT}
    named = next(variant[k] for k in variant if k in item)
    assert await stock_of(client, named) == [levels(WAREHOUSE, named, 4, 1)]


async def test_a_record_read_back_can_be_posted_back(client: httpx.AsyncClient) -> None:
    """A record as GET /api/stock lists it: ``fk_warehouse`` and ``fk_variant`` say where, and the read-only ``id``,
    ``lastUpdate``, ``stock_warehouse`` and ``stock_variant`` are ignored; no warehouse_id query is needed."""
    r = await client.get(f"{STOCK}?warehouse_id={OTHER_WAREHOUSE}&variant_id={VARIANT_2}", headers=DEMO)
    (record,) = r.json()["response"]["stock"]
    changed = {**record, "inStock": record["inStock"] + 10, "supply": 6}
    r = await post(client, changed, path=STOCK)
    assert (r.status_code, r.json()) == (200, ALL_PASSED)
    assert await stock_of(client, VARIANT_2, OTHER_WAREHOUSE) == [levels(OTHER_WAREHOUSE, VARIANT_2, 13, 0, 6)]
    r = await client.get(f"{STOCK}?warehouse_id={OTHER_WAREHOUSE}&variant_id={VARIANT_2}", headers=DEMO)
    (after,) = r.json()["response"]["stock"]
    assert after["id"] == record["id"] and after["stock_variant"] == record["stock_variant"]
    assert after["lastUpdate"] != record["lastUpdate"]


async def test_failures_use_the_batch_vocabulary(client: httpx.AsyncClient) -> None:
    """ilevel-batch-stock.txt: a failed item comes back as sent with ``"success": false`` and its message, under
    12006 "Some items failed to update please check results."; 12052 "Variant not found", 12051 "Failed to save
    item"."""
    before = await snapshot(client)
    unknown = {"barcode": "NOT A VALID BARCODE", "inStock": 12}
    r = await post(client, unknown)
    assert (r.status_code, r.json()) == (200, failed(unknown, "Variant not found"))
    for bad in (
        {"variant_id": VARIANT_2, "inStock": "5"},
        {"variant_id": VARIANT_2, "instock": 5},
        {"code": "FAIL-ALWAYS", "inStock": 1},  # the scenario's fail_items
        {"fk_warehouse": OTHER_WAREHOUSE, "fk_variant": VARIANT_2, "inStock": 1},  # not the query's warehouse
    ):
        r = await post(client, bad)
        assert (r.status_code, r.json()) == (200, failed(bad, "Failed to save item"))
    two = {"variant_id": VARIANT_1, "fk_variant": VARIANT_2, "inStock": 1}
    assert (await post(client, two)).json() == failed(two, "Variant not found")
    assert await snapshot(client) == before


async def test_warehouse_errors_are_the_batchs(client: httpx.AsyncClient) -> None:
    """ilevel-batch-stock.txt: 12002 "Missing query parameter warehouse_id", 12003 "Warehouse not found: ..."."""
    r = await post(client, {"variant_id": VARIANT_2, "inStock": 1}, path=STOCK)
    assert (r.status_code, r.json()["error"]) == (400, "Missing query parameter warehouse_id")
    r = await post(client, {"variant_id": VARIANT_2, "fk_warehouse": "F" * 32, "inStock": 1}, path=STOCK)
    assert (r.status_code, r.json()["error"]) == (400, f"Warehouse not found: {'F' * 32}")
    for body in (b"[]", b"not json", b'"x"'):
        r = await client.post(IN_MAIN, content=body, headers={**JSON, **DEMO})
        assert r.status_code == 400 and r.json()["allPassed"] is False and r.json()["results"] == []


async def test_put_and_other_methods_are_405(client: httpx.AsyncClient) -> None:
    """The vendor's pages name no PUT for the stock resource: 405 with Allow."""
    for method in ("PUT", "PATCH", "DELETE"):
        r = await client.request(method, IN_MAIN, headers=DEMO)
        assert (r.status_code, r.headers["allow"]) == (405, "GET, HEAD, POST")


SETTINGS = """
ilevel:
  tenants:
    - name: t
      username: u
      api_key: k
      single_item_update: false
      batch_error_status: 422
      warehouses: [{id: 1571945CAB99744086F9FDFC9D9332D5, name: Main}]
      variants: [{variant_id: 0A5EEDAF16F8D54486AB2AD7474B3994}]
"""


async def test_tenant_settings_switch_the_post_off_and_set_the_status_of_12001_to_12005() -> None:
    """Inferred settings: the single-item POST may not exist on a real tenant; the HTTP status of 12001-12005 is not
    documented (vendor-facts.md), 400 by default."""
    async with in_process(app_for(SETTINGS)) as client:
        auth = {**JSON, **basic("u", "k")}
        r = await client.post(f"/ilevel/t/api/stock?warehouse_id={WAREHOUSE}", json={"inStock": 1}, headers=auth)
        assert (r.status_code, r.headers["allow"]) == (405, "GET, HEAD")
        batch = "/ilevel/t/api/batchStock"
        item = {"variant_id": VARIANT_1, "inStock": 1}
        too_many = {"batchStock": {"item": [item] * 1001}}
        for path, body, error in (
            (f"{batch}?warehouse_id={WAREHOUSE}", {"x": 1}, "Missing mandatory property, 'batchStock'"),
            (batch, {"batchStock": {"item": [item]}}, "Missing query parameter warehouse_id"),
            (f"{batch}?warehouse_id={'F' * 32}", {"batchStock": {"item": [item]}}, f"Warehouse not found: {'F' * 32}"),
            (f"{batch}?warehouse_id={WAREHOUSE}", {"batchStock": {}}, "Missing stock item collection!"),
            (f"{batch}?warehouse_id={WAREHOUSE}", too_many, "Call exceeds 1,000 item limit!"),
            ("/ilevel/t/api/stock?warehouse_id=ABC", None, "Warehouse not found: ABC"),
        ):  # fmt: skip
            if body is None:
                r = await client.get(path, headers=auth)
            else:
                r = await client.post(path, json=body, headers=auth)
            assert (r.status_code, r.json()) == (422, {"allPassed": False, "error": error, "results": []})
        # Other statuses stay: a partial failure is still 200, bad paging 400.
        r = await client.post(
            f"{batch}?warehouse_id={WAREHOUSE}", json={"batchStock": {"item": [{"code": "x"}]}}, headers=auth
        )
        assert r.status_code == 200
        assert (await client.get("/ilevel/t/api/stock?page=0", headers=auth)).status_code == 400
