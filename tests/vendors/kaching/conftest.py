from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx

IMPORT = "/ka-ching/imports/stock"
AUTH = "account=demo-account&integration=demo-queue&apikey=demo-apikey"
STOCK = f"{IMPORT}?{AUTH}"
ADJUST = f"{STOCK}&adjustment=true"
LOC = "stock_location_id"


def scenario(delay: float = 0, extra: str = "", export: str = "") -> str:
    """A one-account scenario like the default one's, with the settings a test needs."""
    return f"""
name: kaching-test
ka_ching:
  accounts:
    - id: demo-account
      import_queues:
        - {{id: demo-queue, apikey: demo-apikey}}
        - {{id: other-queue, apikey: other-apikey}}
      stock_locations:
        - {{id: stock_location_id}}
        - {{id: warehouse}}
      products:
        - {{id: product1}}
        - {{id: product3, variants: [variant1, variant2]}}
      stock:
        - {{location: stock_location_id, product: product1, count: 3}}
      processing_delay: {delay}
{extra}
{export}
"""


async def stock_of(client: httpx.AsyncClient, sandbox: str = "default") -> dict[str, Any]:
    r = await client.get(f"/_sim/state?vendor=ka-ching&sandbox={sandbox}")
    assert r.status_code == 200, r.text
    locations = r.json()["ka-ching"]["accounts"]["demo-account"]["locations"]
    return {name: loc["stock"] for name, loc in locations.items()}


async def pending(client: httpx.AsyncClient) -> int:
    r = await client.get("/_sim/state?vendor=ka-ching")
    count: int = r.json()["ka-ching"]["accounts"]["demo-account"]["pending_imports"]
    return count


async def events(client: httpx.AsyncClient, query: str = "") -> list[dict[str, Any]]:
    r = await client.get(f"/_sim/ka-ching/events{query}")
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = r.json()["events"]
    return found


async def queue_log(client: httpx.AsyncClient, queue: str = "demo-queue") -> dict[str, Any]:
    r = await client.get(f"/_sim/ka-ching/queues/{queue}/log")
    assert r.status_code == 200, r.text
    log: dict[str, Any] = r.json()
    return log


async def accepted(client: httpx.AsyncClient, url: str, body: Any, method: str = "POST") -> str:
    r = await client.request(method, url, json=body)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "OK"
    message: str = r.json()["message"]
    return message


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "timed out waiting"
        await anyio.sleep(0.02)
