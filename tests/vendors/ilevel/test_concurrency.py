"""20 concurrent 1,000-item batches over the same variants, on a real socket: every batch is all or nothing,
so each variant ends with the figures of one and the same batch, never a mix."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.support import app_for, basic, served

pytestmark = pytest.mark.anyio
WAREHOUSE = "1571945CAB99744086F9FDFC9D9332D5"
SCENARIO = f"""
ilevel:
  tenants:
    - name: load
      username: u
      api_key: k
      warehouses: [{{id: {WAREHOUSE}, name: Main}}]
      generate: {{count: 1000}}
"""
BATCHES = 20


def body(batch: int) -> dict[str, object]:
    # Batch b sets every variant to (b, b*10, b*100): a variant's figures say which batch wrote them.
    # Alternate identifiers, so all three lookups run under load.
    items = [
        {"code" if n % 2 else "barcode": f"GEN-{n:07d}" if n % 2 else f"29{n:011d}", "inStock": batch}
        | {"demand": batch * 10, "supply": batch * 100}
        for n in range(1, 1001)
    ]
    return {"batchStock": {"item": items}}


async def test_concurrent_full_batches_never_mix() -> None:
    with served(app_for(SCENARIO)) as base:
        async with httpx.AsyncClient(base_url=base, auth=httpx.BasicAuth("u", "k"), timeout=60) as client:
            path = f"/ilevel/load/api/batchStock?warehouse_id={WAREHOUSE}"
            responses = await asyncio.gather(*(client.post(path, json=body(b)) for b in range(1, BATCHES + 1)))
            assert [r.json() for r in responses] == [{"allPassed": True, "results": []}] * BATCHES
            r = await client.get(
                f"/ilevel/load/api/stock?warehouse_id={WAREHOUSE}&pagesize=1000", headers=basic("u", "k")
            )
            stock = r.json()["response"]["stock"]
    assert len(stock) == 1000
    winners = {(s["inStock"], s["demand"], s["supply"]) for s in stock}
    assert len(winners) == 1
    ((b, demand, supply),) = winners
    assert 1 <= b <= BATCHES and (demand, supply) == (b * 10, b * 100)
