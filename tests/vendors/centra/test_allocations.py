"""The control plane's allocations: what orders do to a stock item's allocated stock."""

from __future__ import annotations

from typing import Any

import pytest

from tests.vendors.centra.conftest import Sim, get_stock, items

pytestmark = pytest.mark.anyio
URL = "/_sim/centra/allocations"


async def allocation(sim: Sim, body: Any, status: int = 200, sandbox: str = "") -> dict[str, Any]:
    r = await sim.client.post(URL + (f"?sandbox={sandbox}" if sandbox else ""), json=body)
    assert r.status_code == status, r.text
    result: dict[str, Any] = r.json()
    return result


async def test_allocate_release_and_ship(sim: Sim) -> None:
    body = await allocation(sim, {"plugin": "demo", "product": "9876543210123", "allocate": 6})
    assert body == {
        "sandbox": "default",
        "plugin": "demo",
        "item": {
            "stockItemId": 1002,
            "ean": "9876543210123",
            "physicalStock": 20,
            "allocatedStock": 6,
            "availableStock": 14,
        },
    }
    body = await allocation(sim, {"plugin": "demo", "stockItemId": 1002, "release": 2})
    assert body["item"]["allocatedStock"] == 4
    body = await allocation(sim, {"plugin": "demo", "product": "BLZ-100NVYM", "ship": 3})
    assert {k: body["item"][k] for k in ("physicalStock", "allocatedStock", "availableStock")} == {
        "physicalStock": 17,
        "allocatedStock": 1,
        "availableStock": 16,
    }
    product = (await get_stock(sim.client, "?stockItemId=1002"))["products"][0]
    assert (product["physicalStock"], product["allocatedStock"], product["availableStock"]) == (17, 1, 16)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"plugin": "demo", "stockItemId": 1001, "allocate": 9},
            "cannot allocate 9: stock item 1001 has 8 available (physicalStock 10, allocatedStock 2)",
        ),
        ({"plugin": "demo", "stockItemId": 1001, "release": 3}, "cannot release 3: stock item 1001 has 2 allocated"),
        ({"plugin": "demo", "stockItemId": 1001, "ship": 3}, "cannot ship 3: stock item 1001 has 2 allocated"),
    ],
)
async def test_moves_beyond_the_stock_are_409_and_change_nothing(sim: Sim, body: Any, message: str) -> None:
    before = await items(sim.client)
    assert await allocation(sim, body, 409) == {"error": {"code": "conflict", "message": message}}
    assert await items(sim.client) == before


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"plugin": "nope", "stockItemId": 1001, "allocate": 1}, 404, "not_found"),
        ({"plugin": "demo", "stockItemId": 9999, "allocate": 1}, 404, "not_found"),
        ({"plugin": "demo", "product": "0000000000000", "allocate": 1}, 404, "not_found"),
        ({"plugin": "demo", "allocate": 1}, 400, "bad_request"),
        ({"plugin": "demo", "stockItemId": 1001, "product": "1234567890123", "allocate": 1}, 400, "bad_request"),
        ({"plugin": "demo", "stockItemId": 1001}, 400, "bad_request"),
        ({"plugin": "demo", "stockItemId": 1001, "allocate": 1, "release": 1}, 400, "bad_request"),
        ({"plugin": "demo", "stockItemId": 1001, "allocate": 0}, 400, "bad_request"),
        ({"plugin": "demo", "stockItemId": 1001, "allocate": -1}, 400, "bad_request"),
        ({"plugin": "demo", "stockItemId": 1001, "reserve": 1}, 400, "bad_request"),
        ([], 400, "bad_request"),
    ],
)
async def test_bad_allocations(sim: Sim, body: Any, status: int, code: str) -> None:
    before = await items(sim.client)
    assert (await allocation(sim, body, status))["error"]["code"] == code
    assert await items(sim.client) == before


async def test_allocation_body_that_is_not_utf8_is_400(sim: Sim) -> None:
    r = await sim.client.post(URL, content=b'{"plugin": "\xff"}')
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"


async def test_allocations_act_on_the_named_sandbox(sim: Sim) -> None:
    assert (await sim.client.post("/_sim/sandboxes", json={"name": "a1"})).status_code == 201
    await allocation(sim, {"plugin": "demo", "stockItemId": 1001, "allocate": 8}, sandbox="a1")
    assert (await items(sim.client, "a1"))[1001]["allocatedStock"] == 10
    assert (await items(sim.client))[1001]["allocatedStock"] == 2
    await allocation(sim, {"plugin": "demo", "stockItemId": 1001, "allocate": 1}, 404, sandbox="zz")
