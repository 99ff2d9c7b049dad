from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from simulator.clock import Clock
from tests.support import app_for, in_process

TOKEN = {"API-Authorization": "demo-centra-api-token"}
BASE = "/centra/demo"
# The doc's two requests.
DOC_REQUEST = {
    "products": [
        {"product": "1234567890123", "quantity": 54},
        {"product": "9876543210123", "quantity": 55},
        {"product": "5432167890123", "quantity": 1},
    ]
}
DOC_REQUEST_COST = {
    "products": [
        {"product": "1234567890123", "quantity": 54, "costPrice": 12.54, "costPriceCurrency": "SEK"},
        {"product": "9876543210123", "quantity": 55, "costPrice": 8.12, "costPriceCurrency": "EUR"},
        {"product": "5432167890123", "quantity": 1, "costPrice": 54.24, "costPriceCurrency": "USD"},
    ]
}


class FixedClock(Clock):
    def __init__(self, epoch: float) -> None:
        self.epoch = epoch

    def now(self) -> float:
        return self.epoch


@dataclass
class Sim:
    app: Starlette
    client: httpx.AsyncClient

    def clock(self, epoch: float, sandbox: str = "default") -> FixedClock:
        clock = FixedClock(epoch)
        self.app.state.sandboxes.get(sandbox).clock = clock
        return clock


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    app = app_for()
    async with in_process(app) as client:
        yield Sim(app, client)


async def update(
    client: httpx.AsyncClient, body: Any, method: str = "POST", base: str = BASE, query: str = ""
) -> dict[str, Any]:
    r = await client.request(method, f"{base}/stock{query}", json=body, headers=TOKEN)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    result: dict[str, Any] = r.json()
    return result


async def get_stock(client: httpx.AsyncClient, query: str = "", base: str = BASE) -> dict[str, Any]:
    r = await client.get(f"{base}/stock{query}", headers=TOKEN)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def items(client: httpx.AsyncClient, sandbox: str = "default") -> dict[int, dict[str, Any]]:
    """The control plane's view of plugin demo: stockItemId -> stock, cost price and timestamps."""
    r = await client.get(f"/_sim/state?vendor=centra&sandbox={sandbox}")
    assert r.status_code == 200, r.text
    return {i["stockItemId"]: i for i in r.json()["centra"]["plugins"]["demo"]["items"]}


async def notifications(client: httpx.AsyncClient, sandbox: str = "default") -> list[dict[str, Any]]:
    r = await client.get(f"/_sim/centra/notifications?sandbox={sandbox}")
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = r.json()["notifications"]
    return found


def physical(state: dict[int, dict[str, Any]]) -> dict[int, int]:
    return {sid: i["physicalStock"] for sid, i in state.items()}
