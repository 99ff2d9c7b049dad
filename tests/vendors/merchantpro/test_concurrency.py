"""Concurrent read-modify-write over real sockets: no update is lost."""

from __future__ import annotations

import anyio
import httpx
import pytest

from tests.support import app_for, served
from tests.vendors.merchantpro.conftest import DEMO, DEMO_MW

pytestmark = pytest.mark.anyio


async def test_100_concurrent_adjustments_lose_nothing() -> None:
    url = "/merchantpro/demo/api/v2/inventory/sku/WMY71443LB2"
    mw_url = "/merchantpro/demo-mw/api/v2/inventory/id/10003"
    with served(app_for()) as base:
        limits = httpx.Limits(max_connections=100)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
            statuses: list[int] = []

            async def plus_one() -> None:
                r = await client.patch(url, json={"stock": {"adjust_by": 1}}, headers=DEMO)
                statuses.append(r.status_code)

            async def warehouse_plus_one(i: int) -> None:
                body = {"warehouses": [{"id": 1 + i % 2, "stock": {"adjust_by": 1}}]}
                r = await client.patch(mw_url, json=body, headers=DEMO_MW)
                statuses.append(r.status_code)

            async with anyio.create_task_group() as tg:
                for i in range(100):
                    tg.start_soon(plus_one)
                    tg.start_soon(warehouse_plus_one, i)
            assert statuses == [200] * 200
            assert (await client.get(url, headers=DEMO)).json()["stock"] == 10 + 100
            product = (await client.get(mw_url, headers=DEMO_MW)).json()
            assert [w["stock"] for w in product["warehouses"]] == [5 + 50, 15 + 50]
            assert product["stock"] == 120
