"""The company's time zone: a plugin's ``timezone`` (an IANA name, default UTC) is the clock Get stock's date
filters are read in, and the clock the control plane shows Centra's timestamps in.

Source: Get stock's `created`, `modified` and `stock_modified` (centrahq/api-documentation, Order API Get stock):
"Allowed formats ``YYYY-mm-dd`` and ``YYYY-mm-dd HH:MM:SS``. Timezone is system-wide and decided by the company
using Centra."
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support import app_for, in_process
from tests.vendors.centra.conftest import BASE, TOKEN, Sim, get_stock, items, notifications, update

pytestmark = pytest.mark.anyio
JAN_2025 = 1735732800.0  # 2025-01-01 12:00:00 UTC: 13:00 in Stockholm, 2025-01-02 01:00 in Auckland


def scenario(zone: str) -> str:
    return f"""
centra:
  plugins:
    - name: demo
      api_token: demo-centra-api-token
      timezone: {zone}
      items:
        - {{stockItemId: 1, productId: 1, variantId: 1, sku: A, ean: "111", physicalStock: 5, allocatedStock: 2,
           created: "2024-06-01 08:30:00"}}
        - {{stockItemId: 2, productId: 1, variantId: 1, sku: B, ean: "222", physicalStock: 5,
           created: "2024-06-01 10:00:00"}}
"""


@pytest.fixture
async def stockholm() -> AsyncIterator[Sim]:
    app = app_for(scenario("Europe/Stockholm"))
    async with in_process(app) as client:
        yield Sim(app, client)


def ids(body: dict[str, object]) -> list[int]:
    products = body["products"]
    assert isinstance(products, list)
    return [p["stockItemId"] for p in products]


async def test_date_filters_are_read_in_the_company_time_zone(stockholm: Sim) -> None:
    """The doc: "Timezone is system-wide and decided by the company using Centra"; 13:00 in Stockholm is 12:00 UTC."""
    stockholm.clock(JAN_2025)
    assert await update(stockholm.client, {"products": [{"product": "222", "quantity": 9}]}) == {"status": "ok"}
    assert ids(await get_stock(stockholm.client, "?stock_modified=2025-01-01%2013:00:00")) == [2]
    assert ids(await get_stock(stockholm.client, "?stock_modified=2025-01-01%2013:00:01")) == []
    assert ids(await get_stock(stockholm.client, "?modified=2025-01-01%2012:59:59")) == [2]


async def test_scenario_times_are_the_company_time_too(stockholm: Sim) -> None:
    """A scenario's `created` is written as the company's clock shows it, like the filters that select it."""
    assert ids(await get_stock(stockholm.client, "?created=2024-06-01%2008:30:00")) == [1, 2]
    assert ids(await get_stock(stockholm.client, "?created=2024-06-01%2008:30:01")) == [2]
    assert ids(await get_stock(stockholm.client, "?created=2024-06-01")) == [1, 2]


async def test_a_date_alone_is_midnight_in_the_company_time_zone() -> None:
    """At 12:00 UTC on 1 January it is already 2 January in Auckland (UTC+13 in summer)."""
    app = app_for(scenario("Pacific/Auckland"))
    async with in_process(app) as client:
        Sim(app, client).clock(JAN_2025)
        await update(client, {"products": [{"product": "111", "quantity": 8}]})
        assert ids(await get_stock(client, "?stock_modified=2025-01-02")) == [1]
        assert ids(await get_stock(client, "?stock_modified=2025-01-03")) == []


async def test_utc_is_the_default(sim: Sim) -> None:
    sim.clock(JAN_2025)
    await update(sim.client, {"products": [{"product": "9876543210123", "quantity": 3}]})
    assert ids(await get_stock(sim.client, "?stock_modified=2025-01-01%2012:00:00")) == [1002]
    assert ids(await get_stock(sim.client, "?stock_modified=2025-01-01%2012:00:01")) == []
    r = await sim.client.get("/_sim/state?vendor=centra")
    assert r.json()["centra"]["plugins"]["demo"]["timezone"] == "UTC"


async def test_the_control_plane_shows_company_time(stockholm: Sim) -> None:
    """Notifications and the state's timestamps read like the filters a client would send."""
    stockholm.clock(JAN_2025)
    assert await update(stockholm.client, {"products": [{"product": "111", "quantity": -1}]}) == {"status": "ok"}
    assert [n["at"] for n in await notifications(stockholm.client)] == ["2025-01-01 13:00:00"]
    state = await items(stockholm.client)
    assert (state[1]["created"], state[1]["modified"], state[1]["stock_modified"]) == (
        "2024-06-01 08:30:00",
        "2025-01-01 13:00:00",
        "2025-01-01 13:00:00",
    )
    r = await stockholm.client.get("/_sim/state?vendor=centra")
    assert r.json()["centra"]["plugins"]["demo"]["timezone"] == "Europe/Stockholm"


async def test_get_stock_records_carry_no_timestamps(stockholm: Sim) -> None:
    """Get stock's documented product fields have no dates, so the time zone changes no record."""
    product = (await get_stock(stockholm.client, "?stockItemId=1"))["products"][0]
    assert not {"created", "modified", "stock_modified"} & set(product)
    r = await stockholm.client.get(f"{BASE}/stock?created=2024-13-01", headers=TOKEN)
    assert r.json() == {
        "status": "no",
        "msg": "created must be 'YYYY-mm-dd' or 'YYYY-mm-dd HH:MM:SS', got '2024-13-01'",
    }
