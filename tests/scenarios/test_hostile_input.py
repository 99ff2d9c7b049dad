"""Hostile scenarios over a real socket: refused quickly, and read off the event loop while health keeps answering."""

from __future__ import annotations

import time

import anyio
import httpx
import pytest

from tests.scenarios.test_document import billion_laughs
from tests.support import app_for, served, served_process

pytestmark = pytest.mark.anyio
YAML = {"Content-Type": "application/yaml"}


async def health_while(client: httpx.AsyncClient, request: httpx.Request) -> tuple[httpx.Response, float, list[float]]:
    """Send ``request`` and, until it is answered, GET /_sim/health over and over; returns the response, how long it
    took, and each health call's latency."""
    latencies: list[float] = []
    answered = anyio.Event()
    result: list[tuple[httpx.Response, float]] = []

    async def send() -> None:
        started = time.perf_counter()
        response = await client.send(request)
        result.append((response, time.perf_counter() - started))
        answered.set()

    async def probe() -> None:
        while not answered.is_set():
            started = time.perf_counter()
            assert (await client.get("/_sim/health")).status_code == 200
            latencies.append(time.perf_counter() - started)
            await anyio.sleep(0.01)

    async with anyio.create_task_group() as tg:
        tg.start_soon(probe)
        tg.start_soon(send)
    [(response, elapsed)] = result
    return response, elapsed, latencies


async def test_billion_laughs_gets_a_400_at_once_and_health_keeps_answering() -> None:
    with served(app_for()) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            await client.get("/_sim/health")
            request = client.build_request("POST", "/_sim/sandboxes", content=billion_laughs(), headers=YAML)
            response, elapsed, latencies = await health_while(client, request)
            assert response.status_code == 400
            assert elapsed < 1
            problems = response.json()["error"]["problems"]
            assert problems[0] == {
                "path": "$.b[0]",
                "message": "YAML aliases (*a) are not allowed in scenarios",
                "line": 2,
                "column": 8,
            }
            assert max(latencies, default=0) < 0.1
            assert [s["name"] for s in (await client.get("/_sim/sandboxes")).json()["sandboxes"]] == ["default"]


async def test_a_large_scenario_is_read_off_the_event_loop() -> None:
    # Just under the node budget, with a problem in every product: reading it and listing its problems takes
    # seconds, all of them in a worker thread. The server runs in its own process, as it does for users: in this
    # one, the test's client would compete with the reading thread for the GIL and the figures would be its own.
    products = "".join(f"        - {{id: {i}, sku: S{i}, price_net: x}}\n" for i in range(1, 28_000))
    body = "merchantpro:\n  shops:\n    - name: s\n      api_key: k\n      api_secret: p\n      products:\n" + products
    with served_process() as base:
        async with httpx.AsyncClient(base_url=base, timeout=60, trust_env=False) as client:
            await client.get("/_sim/health")
            request = client.build_request("POST", "/_sim/sandboxes", content=body, headers=YAML)
            response, elapsed, latencies = await health_while(client, request)
            assert response.status_code == 400
            problems = response.json()["error"]["problems"]
            assert len(problems) == 1001 and problems[0]["path"] == "$.merchantpro.shops[0].products[0].price_net"
            # Health answered all along, not after the seconds of reading: typical calls take a few milliseconds
            # (the loop waits its turn for the GIL, 5 ms at a time); a rare one waits out a longer C call.
            assert elapsed > 0.5 and len(latencies) >= 10, (elapsed, latencies)
            assert sorted(latencies)[len(latencies) // 2] < 0.05 and max(latencies) < elapsed / 4, (elapsed, latencies)
