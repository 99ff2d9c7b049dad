"""Every request in ilevel-batch-stock.txt, sent verbatim to the default scenario, gets the doc's response."""

from __future__ import annotations

import httpx
import pytest

from tests.vendors.ilevel.conftest import (
    BARCODE_VARIANT,
    CODE_VARIANT,
    DEMO,
    VARIANT_1,
    VARIANT_2,
    WAREHOUSE,
    snapshot,
    stock_of,
)

pytestmark = pytest.mark.anyio
PATH = "/api/batchStock?warehouse_id=1571945CAB99744086F9FDFC9D9332D5"
ALL_PASSED = {"allPassed": True, "results": []}

BY_VARIANT_ID = b"""{
"batchStock": {
"item": [
{
"variant_id": "0A5EEDAF16F8D54486AB2AD7474B3994",
"inStock": 1,
"demand": 0,
"supply": 0
},
{
"variant_id": "1571945CAB99744086F9FDFC9D9332D5",
"inStock": 12,
"demand": 0,
"supply": 0
}
]
}
}"""
BY_BARCODE = b"""{
"batchStock": {
"item": [
{
"barcode": "5052011221399",
"inStock": 1
}
]
}
}"""
BY_CODE = b"""{
"batchStock": {
"item": [
{
"code": "ACC001018__A",
"inStock": 1
}
]
}
}"""
ERROR_EXAMPLE = b"""{
"batchStock": {
"item": [
{
"barcode": "NOT A VALID BARCODE",
"inStock": 12,
"demand": 0,
"supply": 0
}
]
}
}"""


async def post(client: httpx.AsyncClient, body: bytes) -> httpx.Response:
    return await client.post(f"/ilevel/demo{PATH}", content=body, headers={"Content-Type": "application/json", **DEMO})


def record(variant: str, in_stock: int, demand: int = 0, supply: int = 0) -> dict[str, object]:
    return {"fk_warehouse": WAREHOUSE, "fk_variant": variant, "inStock": in_stock, "demand": demand, "supply": supply}


async def test_using_variant_id(client: httpx.AsyncClient) -> None:
    r = await post(client, BY_VARIANT_ID)
    assert (r.status_code, r.json()) == (200, ALL_PASSED)
    assert r.headers["content-type"] == "application/json"
    # Variant 1 had a record (inStock 5, demand 1, supply 2): updated; variant 2 had none: created.
    assert await stock_of(client, VARIANT_1) == [record(VARIANT_1, 1)]
    assert await stock_of(client, VARIANT_2) == [record(VARIANT_2, 12)]


async def test_using_barcode(client: httpx.AsyncClient) -> None:
    r = await post(client, BY_BARCODE)
    assert (r.status_code, r.json()) == (200, ALL_PASSED)
    assert await stock_of(client, BARCODE_VARIANT) == [record(BARCODE_VARIANT, 1)]


async def test_using_code(client: httpx.AsyncClient) -> None:
    r = await post(client, BY_CODE)
    assert (r.status_code, r.json()) == (200, ALL_PASSED)
    assert await stock_of(client, CODE_VARIANT) == [record(CODE_VARIANT, 1)]


async def test_error_example(client: httpx.AsyncClient) -> None:
    before = await snapshot(client)
    r = await post(client, ERROR_EXAMPLE)
    assert r.status_code == 200
    assert r.json() == {
        "allPassed": False,
        "error": "Some items failed to update please check results.",
        "results": [
            {
                "barcode": "NOT A VALID BARCODE",
                "inStock": 12,
                "demand": 0,
                "supply": 0,
                "success": False,
                "message": "Variant not found",
            }
        ],
    }
    assert list(r.json()["results"][0]) == ["barcode", "inStock", "demand", "supply", "success", "message"]
    assert await snapshot(client) == before
