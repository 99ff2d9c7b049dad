"""GET /api/stock and GET /api/warehouse in i.LEVEL's paged wrapper, with the vendor's record and entity shapes.

Source for what is documented: the vendor's stock page, ilevel.ilevelconnect.co.uk/help/docs/api/stock, and its API
overview, ilevelsoftware.co.uk/help/api (both summarised in vendor-facts.md, "Found since").
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.support import app_for, basic, in_process
from tests.vendors.ilevel.conftest import (
    BARCODE_VARIANT,
    CODE_VARIANT,
    DEMO,
    OTHER_WAREHOUSE,
    VARIANT_1,
    VARIANT_2,
    WAREHOUSE,
    post_batch,
)

pytestmark = pytest.mark.anyio
STOCK = "/ilevel/demo/api/stock"
PRODUCT = "9F1E2D3C4B5A69788796A5B4C3D2E1F0"
HEX = re.compile(r"^[0-9A-F]{32}$")
RECORD_FIELDS = [
    "id",
    "fk_warehouse",
    "fk_variant",
    "inStock",
    "demand",
    "supply",
    "lastUpdate",
    "stock_warehouse",
    "stock_variant",
]


def wrapper(collection: str, records: list[object], page: int = 1, pages: int = 1, found: int | None = None) -> Any:
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


def where(records: list[Any]) -> list[tuple[str, str]]:
    return [(r["fk_warehouse"], r["fk_variant"]) for r in records]


async def stock(client: httpx.AsyncClient, query: str = "", headers: dict[str, str] = DEMO) -> Any:
    r = await client.get(f"{STOCK}?{query}", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["response"]


async def test_default_scenario_serves_the_documented_record_shape_and_paging(client: httpx.AsyncClient) -> None:
    """The stock page: GET /api/stock "Returns all stock records for the current user scope", wrapped as
    ``{"response": {"page", "pageCount", "recordsSent", "recordsFound", "stock": [...]}}``. A record is ``id``,
    ``fk_warehouse``, ``fk_variant``, ``inStock``, ``demand``, ``supply``, ``lastUpdate`` ("2020-08-05T12:27:08") and
    the related ``stock_warehouse`` (``id``, ``fk_company``, ``code``, ``name``, ``detail``,
    ``warehouse_company: {"__KEY": ...}``) and ``stock_variant`` (``id``, ``fk_product``, ``code``, ``barcode``,
    ``colour``, ``sequence``, ``size``, ``detail``, ``vatable``, ``rrp``, ``variant_product``)."""
    r = await client.get(f"{STOCK}?page=1&pagesize=2", headers=DEMO)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert list(body) == ["response"]
    response = body["response"]
    assert list(response) == ["page", "pageCount", "recordsSent", "recordsFound", "stock"]
    assert {k: response[k] for k in ("page", "pageCount", "recordsSent", "recordsFound")} == {
        "page": 1,
        "pageCount": 2,
        "recordsSent": 2,
        "recordsFound": 3,
    }
    first, second = response["stock"]
    assert list(first) == RECORD_FIELDS
    assert HEX.match(first["id"]) and first["id"] != second["id"]
    company = first["stock_warehouse"]["fk_company"]
    assert HEX.match(company)
    assert {k: v for k, v in first.items() if k != "id"} == {
        "fk_warehouse": WAREHOUSE,
        "fk_variant": VARIANT_1,
        "inStock": 5,
        "demand": 1,
        "supply": 2,
        "lastUpdate": "2020-08-05T12:27:08",
        "stock_warehouse": {
            "id": WAREHOUSE,
            "fk_company": company,
            "code": "MAIN",
            "name": "Main warehouse",
            "detail": "",
            "warehouse_company": {"__KEY": company},
        },
        "stock_variant": {
            "id": VARIANT_1,
            "fk_product": PRODUCT,
            "code": "",
            "barcode": "",
            "colour": "Black",
            "sequence": 1,
            "size": "S",
            "detail": "",
            "vatable": True,
            "rrp": 12.5,
            "variant_product": {"__KEY": PRODUCT, "id": PRODUCT, "code": "TEE001", "title": "Example T-shirt"},
        },
    }
    assert (second["fk_warehouse"], second["fk_variant"]) == (OTHER_WAREHOUSE, VARIANT_2)
    assert second["stock_variant"]["sequence"] == 2 and second["stock_variant"]["size"] == "M"
    # Scenario records without a lastUpdate have the scenario default.
    assert second["lastUpdate"] == "2024-01-01T00:00:00"


async def test_a_variant_without_a_product_is_the_only_variant_of_its_own(client: httpx.AsyncClient) -> None:
    (record,) = (await stock(client, f"barcode=5052011221399&warehouse_id={OTHER_WAREHOUSE}"))["stock"]
    variant = record["stock_variant"]
    product = variant["variant_product"]
    assert variant["barcode"] == "5052011221399" and variant["fk_product"] == product["__KEY"] == product["id"]
    assert HEX.match(product["id"]) and product["id"] not in (BARCODE_VARIANT, PRODUCT)
    assert (product["code"], product["title"], variant["sequence"]) == (
        BARCODE_VARIANT,
        "Example barcode variant",
        1,
    )


async def test_pages_beyond_the_last_are_empty(client: httpx.AsyncClient) -> None:
    """Paging uses ``page`` and ``pagesize`` (the stock page); past the last page (inferred) the wrapper still says
    how many records and pages there are, and sends none."""
    assert where((await stock(client, "page=2&pagesize=2"))["stock"]) == [(OTHER_WAREHOUSE, BARCODE_VARIANT)]
    assert await stock(client, "page=3&pagesize=2") == wrapper("stock", [], 3, 2, 3)["response"]


async def test_pagesize_defaults_to_100_and_stops_at_1000() -> None:
    """ilevelsoftware.co.uk/help/api: ``pagesize`` "default 100, maximum 1000". Past the maximum the simulator answers
    400 in the vendor's error body (inferred: the vendor's answer is not documented; refusing is the strict choice)."""
    scenario = """
ilevel:
  tenants:
    - {name: t, username: u, api_key: k, generate: {count: 1500},
       warehouses: [{id: 1571945CAB99744086F9FDFC9D9332D5, name: Main}]}
"""
    async with in_process(app_for(scenario)) as client:
        auth = basic("u", "k")
        path = f"/ilevel/t/api/batchStock?warehouse_id={WAREHOUSE}"
        for start in (1, 1001):
            items = [{"code": f"GEN-{n:07d}", "inStock": n} for n in range(start, min(start + 1000, 1501))]
            r = await client.post(path, json={"batchStock": {"item": items}}, headers=auth)
            assert r.json()["allPassed"]
        response = (await client.get("/ilevel/t/api/stock", headers=auth)).json()["response"]
        assert (response["pageCount"], response["recordsSent"], response["recordsFound"]) == (15, 100, 1500)
        # Records come in the order they were created.
        assert [s["inStock"] for s in response["stock"]] == list(range(1, 101))
        response = (await client.get("/ilevel/t/api/stock?pagesize=1000&page=2", headers=auth)).json()["response"]
        assert (response["pageCount"], response["recordsSent"]) == (2, 500)
        assert [s["inStock"] for s in response["stock"]] == list(range(1001, 1501))
        r = await client.get("/ilevel/t/api/stock?pagesize=1001", headers=auth)
        assert r.status_code == 400
        assert r.json() == {
            "allPassed": False,
            "error": "Invalid query parameter pagesize: expected a whole number from 1 to 1000, got '1001'",
            "results": [],
        }


@pytest.mark.parametrize("path", [STOCK, "/ilevel/demo/api/warehouse"])
@pytest.mark.parametrize(
    "query", ["page=0", "page=-1", "page=x", "pagesize=0", "pagesize=1001", "page=1.5", "page=" + "9" * 50]
)
async def test_bad_paging_is_400(client: httpx.AsyncClient, path: str, query: str) -> None:
    r = await client.get(f"{path}?{query}", headers=DEMO)
    assert r.status_code == 400
    body = r.json()
    assert body["allPassed"] is False and body["results"] == []
    assert body["error"].startswith("Invalid query parameter " + query.split("=")[0] + ":")


async def test_filters_by_warehouse_and_by_variant(client: httpx.AsyncClient) -> None:
    """Filters (inferred: the stock page documents none): ``warehouse_id``, and a variant named as a batch item names
    it (``variant_id``, ``barcode`` or ``code``), alone or together."""
    assert where((await stock(client, f"warehouse_id={OTHER_WAREHOUSE}"))["stock"]) == [
        (OTHER_WAREHOUSE, VARIANT_2),
        (OTHER_WAREHOUSE, BARCODE_VARIANT),
    ]
    assert where((await stock(client, "barcode=5052011221399"))["stock"]) == [(OTHER_WAREHOUSE, BARCODE_VARIANT)]
    assert where((await stock(client, f"variant_id={VARIANT_1}&warehouse_id={WAREHOUSE}"))["stock"]) == [
        (WAREHOUSE, VARIANT_1)
    ]
    for query in ("barcode=nope", "code=nope", f"variant_id={VARIANT_1.lower()}", "code=ACC001018__A"):
        assert await stock(client, query) == wrapper("stock", [], pages=0)["response"]
    # A variant in two warehouses has a record in each, in the order of the tenant's warehouses.
    await post_batch(client, {"batchStock": {"item": [{"variant_id": VARIANT_2, "inStock": 9}]}})
    found = await stock(client, f"variant_id={VARIANT_2}")
    assert where(found["stock"]) == [(WAREHOUSE, VARIANT_2), (OTHER_WAREHOUSE, VARIANT_2)]
    assert [s["inStock"] for s in found["stock"]] == [9, 3]
    assert where((await stock(client, f"variant_id={VARIANT_2}&pagesize=1&page=2"))["stock"]) == [
        (OTHER_WAREHOUSE, VARIANT_2)
    ]


async def test_an_unknown_warehouse_filter_is_12003(client: httpx.AsyncClient) -> None:
    """ilevel-batch-stock.txt: 12003 "Warehouse not found: 1571945CAB99744086F9FDFC9D9332D5" ("The passed
    warehouse_id could not be found"); used by GET too (inferred)."""
    for bad in ("ABC", WAREHOUSE.lower(), "F" * 32):
        r = await client.get(f"{STOCK}?warehouse_id={bad}", headers=DEMO)
        assert (r.status_code, r.json()) == (
            400,
            {"allPassed": False, "error": f"Warehouse not found: {bad}", "results": []},
        )


async def test_created_records_come_last_and_carry_the_sandbox_time(client: httpx.AsyncClient) -> None:
    """``lastUpdate`` is when the record was last written, by the sandbox's clock (inferred from the field's name)."""
    await client.post("/_sim/clock", json={"set": "2031-02-03T04:05:06Z", "freeze": True})
    items = [{"code": "ACC001018__A", "inStock": 4}, {"variant_id": VARIANT_1, "demand": 2}]
    assert (await post_batch(client, {"batchStock": {"item": items}})).json()["allPassed"]
    records = (await stock(client))["stock"]
    assert where(records) == [
        (WAREHOUSE, VARIANT_1),
        (OTHER_WAREHOUSE, VARIANT_2),
        (OTHER_WAREHOUSE, BARCODE_VARIANT),
        (WAREHOUSE, CODE_VARIANT),
    ]
    assert [r["lastUpdate"] for r in records] == [
        "2031-02-03T04:05:06",
        "2024-01-01T00:00:00",
        "2024-01-01T00:00:00",
        "2031-02-03T04:05:06",
    ]
    assert records[0]["demand"] == 2 and records[3]["inStock"] == 4
    # The same record keeps its id through updates.
    again = (await stock(client))["stock"]
    assert [r["id"] for r in again] == [r["id"] for r in records]
    assert where((await stock(client, f"warehouse_id={WAREHOUSE}"))["stock"]) == [
        (WAREHOUSE, VARIANT_1),
        (WAREHOUSE, CODE_VARIANT),
    ]
    # A reset forgets the created record and the times.
    assert (await client.post("/_sim/reset")).status_code == 200
    records = (await stock(client))["stock"]
    assert len(records) == 3 and records[0]["lastUpdate"] == "2020-08-05T12:27:08"


async def test_warehouses_are_the_vendors_entity(client: httpx.AsyncClient) -> None:
    """vendor-facts.md (the stock page's ``stock_warehouse``): a warehouse is ``id``, ``fk_company``, ``code``,
    ``name``, ``detail`` and ``warehouse_company: {"__KEY": ...}``; GET /api/warehouse lists the same entities in the
    paged wrapper."""
    r = await client.get("/ilevel/demo/api/warehouse", headers=DEMO)
    assert r.status_code == 200
    listed = r.json()["response"]["warehouse"]
    assert [list(w) for w in listed] == [["id", "fk_company", "code", "name", "detail", "warehouse_company"]] * 2
    assert [(w["id"], w["code"], w["name"]) for w in listed] == [
        (WAREHOUSE, "MAIN", "Main warehouse"),
        (OTHER_WAREHOUSE, "RETURNS", "Returns warehouse"),
    ]
    first = (await stock(client, "pagesize=1"))["stock"][0]
    assert first["stock_warehouse"] == listed[0]


async def test_warehouse_paging(client: httpx.AsyncClient) -> None:
    r = await client.get("/ilevel/demo/api/warehouse?page=2&pagesize=1", headers=DEMO)
    body = r.json()
    assert [w["id"] for w in body["response"]["warehouse"]] == [OTHER_WAREHOUSE]
    assert body["response"]["pageCount"] == 2
    r = await client.get("/ilevel/demo/api/warehouse?page=3&pagesize=1", headers=DEMO)
    assert r.json() == wrapper("warehouse", [], 3, 2, 2)


async def test_warehouse_defaults_and_settings() -> None:
    scenario = """
ilevel:
  tenants:
    - name: t
      username: u
      api_key: k
      company: C0000000000000000000000000000001
      warehouses:
        - {id: 1571945CAB99744086F9FDFC9D9332D5, name: Main}
        - {id: 8E0F3D4C2B1A49D7A6E5F4C3B2A19080, name: Other, code: OTH, detail: Back room,
           fk_company: C0000000000000000000000000000002}
"""
    async with in_process(app_for(scenario)) as client:
        r = await client.get("/ilevel/t/api/warehouse", headers=basic("u", "k"))
        company = {"__KEY": "C0000000000000000000000000000001"}
        other = {"__KEY": "C0000000000000000000000000000002"}
        assert r.json()["response"]["warehouse"] == [
            {"id": WAREHOUSE, "fk_company": company["__KEY"], "code": "Main", "name": "Main", "detail": "",
             "warehouse_company": company},
            {"id": OTHER_WAREHOUSE, "fk_company": other["__KEY"], "code": "OTH", "name": "Other",
             "detail": "Back room", "warehouse_company": other},
        ]  # fmt: skip
