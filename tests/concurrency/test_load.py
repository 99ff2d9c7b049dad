"""Concurrency over real sockets: many clients on many connections at once, exact totals, 0 lost updates.

The server is the real app on uvicorn (tests.support.served); the load comes from an httpx client with a pool of
up to 200 connections, all requests started together. 20 concurrent 1,000-item i.LEVEL batches over the same
variants are pinned by tests/vendors/ilevel/test_concurrency.py::test_concurrent_full_batches_never_mix and not
repeated here.
"""

from __future__ import annotations

import asyncio
import os
import random
from typing import Any

import httpx
import pytest

from tests.support import app_for, basic, served

pytestmark = pytest.mark.anyio
FUZZ = os.environ.get("STOCKSIM_FUZZ") == "1"
N = 200  # requests in flight at once
BURSTS = 5 if FUZZ else 1  # the fuzz profile repeats the burst on the same record
LIMITS = httpx.Limits(max_connections=200, max_keepalive_connections=200)

MP = basic("demo-api-key", "demo-api-secret")
MP_ITEM = "/merchantpro/demo/api/v2/inventory/sku/WMY71443LB2"  # stock 10 on the default scenario

KC_AUTH = "account=demo-account&integration=demo-queue&apikey=demo-apikey"
KC_ADJUST = f"/ka-ching/imports/stock?{KC_AUTH}&adjustment=true"
KC_LOC = "stock_location_id"  # product1: count 3 on the default scenario

CENTRA = {"API-Authorization": "demo-centra-api-token"}
CENTRA_EAN = "9876543210123"  # stock item 1002: 20 physical, 0 allocated


def client(base: str) -> httpx.AsyncClient:
    # A new client (new connections) per burst: see reader().
    return httpx.AsyncClient(base_url=base, limits=LIMITS, timeout=60)


def reader(base: str) -> httpx.AsyncClient:
    # Checks after the load use new connections: uvicorn closes keep-alive connections idle for 5 s, and a pooled
    # one reused just as the server closes it fails with "Server disconnected" (a client-side race, not a bug).
    return httpx.AsyncClient(base_url=base, timeout=60)


async def test_concurrent_merchantpro_adjustments_sum_exactly() -> None:
    with served(app_for()) as base:

        async def plus_one(c: httpx.AsyncClient) -> int:
            r = await c.patch(MP_ITEM, json={"stock": {"adjust_by": 1}}, headers=MP)
            return r.status_code

        for _ in range(BURSTS):
            async with client(base) as c:
                statuses = await asyncio.gather(*(plus_one(c) for _ in range(N)))
            assert statuses == [200] * N
        async with reader(base) as c:
            assert (await c.get(MP_ITEM, headers=MP)).json()["stock"] == 10 + N * BURSTS


async def kaching_count(c: httpx.AsyncClient) -> Any:
    r = await c.get("/_sim/state?vendor=ka-ching")
    account = r.json()["ka-ching"]["accounts"]["demo-account"]
    return account["locations"][KC_LOC]["stock"]["product1"], account["pending_imports"]


async def kaching_events(c: httpx.AsyncClient) -> list[dict[str, Any]]:
    r = await c.get(f"/_sim/ka-ching/events?product=product1&location={KC_LOC}&limit=100000")
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = r.json()["events"]
    return found


@pytest.mark.parametrize("delay", [0, 0.2])
async def test_concurrent_kaching_adjustment_imports_sum_exactly(delay: float) -> None:
    scenario = f"""
ka_ching:
  accounts:
    - id: demo-account
      import_queues: [{{id: demo-queue, apikey: demo-apikey}}]
      stock_locations: [{{id: {KC_LOC}}}]
      products: [{{id: product1}}]
      stock: [{{location: {KC_LOC}, product: product1, count: 3}}]
      processing_delay: {delay}
"""
    with served(app_for(scenario)) as base:

        async def plus_one(c: httpx.AsyncClient) -> tuple[int, str]:
            r = await c.post(KC_ADJUST, json={KC_LOC: {"product1": 1}})
            return r.status_code, r.json()["status"]

        for _ in range(BURSTS):
            async with client(base) as c:
                results = await asyncio.gather(*(plus_one(c) for _ in range(N)))
            assert results == [(200, "OK")] * N
        async with reader(base) as c:
            deadline = asyncio.get_running_loop().time() + 30
            while (state := await kaching_count(c))[1] and asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.05)
            assert state == (3 + N * BURSTS, 0)
            found = await kaching_events(c)
            assert len(found) == N * BURSTS
            assert {e["type"] for e in found} == {"external_adjustment"}
            # Each event saw the count the one before it left: applied one at a time, none skipped.
            steps = sorted((e["count_before"], e["count_after"]) for e in found)
            assert steps == [(3 + i, 4 + i) for i in range(N * BURSTS)]


async def centra_item(c: httpx.AsyncClient) -> dict[str, Any]:
    r = await c.get(f"/centra/demo/stock?ean={CENTRA_EAN}", headers=CENTRA)
    item: dict[str, Any] = r.json()["products"][0]
    return item


async def test_concurrent_centra_clamps_while_allocations_move() -> None:
    rng = random.Random(8)
    with served(app_for()) as base:
        async with client(base) as c:
            start = await centra_item(c)
            assert (start["physicalStock"], start["allocatedStock"]) == (20, 0)
            done = {"allocate": 0, "release": 0}
            seen: list[dict[str, Any]] = []

            async def move(kind: str) -> None:
                body = {"plugin": "demo", "product": CENTRA_EAN, kind: 1}
                r = await c.post("/_sim/centra/allocations", json=body)
                # 409: nothing to release, or no stock left to allocate; nothing changed.
                assert r.status_code in (200, 409), r.text
                if r.status_code == 200:
                    done[kind] += 1

            async def set_stock(quantity: int) -> None:
                body = {"products": [{"product": CENTRA_EAN, "quantity": quantity}]}
                r = await c.post("/centra/demo/stock", json=body, headers=CENTRA)
                assert r.json() == {"status": "ok"}

            async def watch() -> None:
                seen.append(await centra_item(c))

            jobs = []
            for _ in range(N * BURSTS):
                kind = rng.choice(["allocate", "allocate", "release", "set", "set", "watch"])
                if kind == "set":
                    # Mostly below the floor (the clamp), sometimes above it.
                    jobs.append(set_stock(rng.choice([0, 0, 1, 5, 60])))
                elif kind == "watch":
                    jobs.append(watch())
                else:
                    jobs.append(move(kind))
            rng.shuffle(jobs)
            await asyncio.gather(*jobs)

        async with reader(base) as c:
            end = await centra_item(c)
            seen.append(end)
            for item in seen:
                assert item["physicalStock"] == item["allocatedStock"] + item["availableStock"], item
                assert item["physicalStock"] >= item["allocatedStock"] >= 0, item
            # Every allocation that succeeded is accounted for, and so is every release.
            assert done["allocate"] > 0
            assert end["allocatedStock"] == done["allocate"] - done["release"]

            # Setting 0 now lands exactly on the floor the allocations left.
            await set_stock(0)
            assert (await centra_item(c))["physicalStock"] == end["allocatedStock"]
            notes = (await c.get("/_sim/centra/notifications?plugin=demo")).json()["notifications"]
            assert notes and all(n["physicalStock"] >= n["requestedQuantity"] for n in notes)
