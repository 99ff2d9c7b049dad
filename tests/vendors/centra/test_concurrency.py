"""Clamps racing allocations over a real socket: every request is one transaction, so none is lost."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.support import app_for, served
from tests.vendors.centra.conftest import TOKEN

pytestmark = pytest.mark.anyio
EAN = "9876543210123"  # stock item 1002: 20 physical, 0 allocated


async def test_concurrent_clamps_and_allocations_keep_the_invariant() -> None:
    with served(app_for()) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:

            async def allocate() -> int:
                r = await client.post(
                    "/_sim/centra/allocations", json={"plugin": "demo", "product": EAN, "allocate": 1}
                )
                assert r.status_code in (200, 409), r.text
                return r.status_code

            async def set_stock(quantity: int) -> None:
                body = {"products": [{"product": EAN, "quantity": quantity}]}
                r = await client.post("/centra/demo/stock", json=body, headers=TOKEN)
                assert r.json() == {"status": "ok"}

            # One allocation before the race, so the floor is above zero whatever the scheduling does; in the race,
            # an allocation that lands just after a "set 0" is rightly refused (409), so none of the 40 must win.
            await set_stock(40)
            assert await allocate() == 200
            jobs = [allocate() for _ in range(40)] + [set_stock(0 if n % 2 else 40) for n in range(40)]
            results = await asyncio.gather(*jobs)
            allocated = 1 + sum(1 for status in results[:40] if status == 200)

            r = await client.get(f"/centra/demo/stock?ean={EAN}", headers=TOKEN)
            item = r.json()["products"][0]
            # No allocation was lost, and no update wrote over one.
            assert item["allocatedStock"] == allocated
            assert item["physicalStock"] == item["allocatedStock"] + item["availableStock"]
            assert item["physicalStock"] in (allocated, 40)

            notes = (await client.get("/_sim/centra/notifications")).json()["notifications"]
            assert all(n["requestedQuantity"] == 0 and 1 <= n["physicalStock"] <= allocated for n in notes)
            assert [n["id"] for n in notes] == sorted(n["id"] for n in notes)

            # The floor is exactly the allocations that succeeded.
            await set_stock(0)
            r = await client.get(f"/centra/demo/stock?ean={EAN}", headers=TOKEN)
            assert r.json()["products"][0]["physicalStock"] == allocated


async def test_concurrent_updates_of_different_items_all_land() -> None:
    with served(app_for()) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            eans = ["1234567890123", "9876543210123", "5432167890123"]

            async def set_stock(ean: str, quantity: int) -> None:
                body = {"products": [{"product": ean, "quantity": quantity}]}
                r = await client.put("/centra/demo/stock", json=body, headers=TOKEN)
                assert r.json() == {"status": "ok"}

            await asyncio.gather(*(set_stock(ean, 100 + i) for i, ean in enumerate(eans) for _ in range(10)))
            r = await client.get("/centra/demo/stock?productId=101", headers=TOKEN)
            assert [p["physicalStock"] for p in r.json()["products"]] == [100, 101, 102]
