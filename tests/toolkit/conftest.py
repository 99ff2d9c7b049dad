from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support import app_for, served

MP = ("demo-api-key", "demo-api-secret")
ITEM = "/api/v2/inventory/sku/WMY71443LB2"
_names = itertools.count(1)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """One real server per module; each test gets its own sandbox on it."""
    with served(app_for()) as url:
        yield url


class Box:
    """A sandbox on the test server, and a client for it."""

    def __init__(self, server: str, name: str) -> None:
        self.server, self.name = server, name
        self.root = f"{server}/sandboxes/{name}"
        self.control = httpx.Client(base_url=server, timeout=10)

    def sim(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.control.request(method, path, params={"sandbox": self.name, **kwargs.pop("params", {})}, **kwargs)

    def add(self, *rules: dict[str, Any]) -> None:
        r = self.sim("POST", "/_sim/faults", json=list(rules))
        assert r.status_code == 201, r.text

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        r = self.sim("GET", "/_sim/journal", params=filters)
        assert r.status_code == 200, r.text
        entries: list[dict[str, Any]] = r.json()["entries"]
        return entries

    def stock(self) -> int:
        r = httpx.get(f"{self.root}/merchantpro/demo{ITEM}", auth=MP)
        value: int = r.json()["stock"]
        return value

    def patch(self, timeout: float = 5, delta: int = 1) -> httpx.Response:
        with httpx.Client(timeout=timeout) as c:
            return c.patch(f"{self.root}/merchantpro/demo{ITEM}", json={"stock": {"adjust_by": delta}}, auth=MP)


@pytest.fixture
def box(server: str) -> Iterator[Box]:
    name = f"t{next(_names)}"
    r = httpx.post(f"{server}/_sim/sandboxes", json={"name": name})
    assert r.status_code == 201, r.text
    sandbox = Box(server, name)
    yield sandbox
    sandbox.control.close()
    httpx.delete(f"{server}/_sim/sandboxes/{name}")
