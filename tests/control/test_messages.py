"""Every control-plane body (the core's and each vendor's control endpoints) refuses a value of the wrong type in
the simulator's own words: the message names the field and what it expected, and never quotes msgspec (whose
messages put type names in backticks)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.routing import BaseRoute, Mount, Route

from tests.support import app_for, in_process

pytestmark = pytest.mark.anyio

# route -> (the path to send to, a body with one value of the wrong type, the field it names)
WRONG: dict[str, list[tuple[str, Any, str]]] = {
    "/_sim/faults": [
        ("/_sim/faults", {"action": {"kind": "status", "status": "500"}}, "status"),
        ("/_sim/faults", {"faults": [{"match": {"method": 7}, "action": {"kind": "drop"}}]}, "method"),
    ],
    "/_sim/verify": [("/_sim/verify", {"expect": [{"vendor": "centra", "exactly": "1"}]}, "exactly")],
    "/_sim/clock": [("/_sim/clock", {"advance": "10"}, "advance"), ("/_sim/clock", {"freeze": "yes"}, "freeze")],
    "/_sim/sandboxes": [
        ("/_sim/sandboxes", {"name": 5}, "name"),
        ("/_sim/sandboxes", {"scenario": {"merchantpro": {"shops": "demo"}}}, "shops"),
    ],
    "/_sim/sandboxes/{name}": [("/_sim/sandboxes/put", {"scenario": {"centra": {"plugins": 3}}}, "plugins")],
    "/_sim/centra/allocations": [
        ("/_sim/centra/allocations", {"plugin": "demo", "product": "1234567890123", "allocate": "1"}, "allocate")
    ],
    "/_sim/ilevel/fail-items": [("/_sim/ilevel/fail-items", {"tenant": "demo", "items": {"code": "x"}}, "items")],
}
# Control POSTs that read no body.
BODILESS = {"/_sim/reset", "/_sim/sandboxes/{name}/reset"}


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with in_process(app_for()) as c:
        yield c


def _writes(routes: list[BaseRoute], prefix: str = "") -> dict[str, str]:
    """Every route that takes a body (POST or PUT), with its method."""
    found: dict[str, str] = {}
    for route in routes:
        if isinstance(route, Mount):
            found |= _writes(list(route.routes), prefix + route.path)
        elif isinstance(route, Route) and route.methods:
            for method in ("POST", "PUT"):
                if method in route.methods:
                    found[prefix + route.path] = method
    return found


def _words(message: str, field: str) -> None:
    assert "`" not in message, message
    assert field in message, (field, message)
    assert "expected" in message, message


async def test_every_control_body_words_a_wrong_type_itself(client: httpx.AsyncClient) -> None:
    app = client._transport.app  # type: ignore[attr-defined]
    writes = {p: m for p, m in _writes(app.router.routes).items() if p.startswith("/_sim/")}
    assert set(writes) == set(WRONG) | BODILESS, "give every control body a case in WRONG"
    for template, cases in WRONG.items():
        for path, body, field in cases:
            r = await client.request(writes[template], path, json=body)
            assert r.status_code == 400, (path, r.text)
            error = r.json()["error"]
            _words(error["message"], field)
            for problem in error.get("problems") or []:
                _words(problem["path"] + ": " + problem["message"], field)


async def test_a_journal_query_of_the_wrong_type_is_worded_too(client: httpx.AsyncClient) -> None:
    r = await client.get("/_sim/journal", params={"limit": "many"})
    assert r.status_code == 400
    _words(r.json()["error"]["message"], "limit")
