"""An account's ``input: lenient`` profile (inferred): a count written as text is the number it spells; strict (the
default) refuses it with a 400, as the other vendors' strict profiles do."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import app_for, in_process
from tests.vendors.kaching.conftest import ADJUST, LOC, STOCK, accepted, eventually, scenario, stock_of

pytestmark = pytest.mark.anyio
LENIENT = scenario().replace("      processing_delay: 0\n", "      processing_delay: 0\n      input: lenient\n")


async def test_lenient_reads_counts_written_as_text() -> None:
    assert "input: lenient" in LENIENT
    async with in_process(app_for(LENIENT)) as client:
        await accepted(client, STOCK, {LOC: {"product1": " 7 ", "product3": {"variant1": "2", "variant2": 4.0}}})
        await accepted(client, ADJUST, {LOC: {"product1": "-2"}})

        async def applied() -> bool:
            stock: dict[str, Any] = await stock_of(client)
            return bool(stock.get(LOC, {}).get("product1") == 5)

        await eventually(applied)
        assert (await stock_of(client))[LOC]["product3"] == {"variant1": 2, "variant2": 4}


@pytest.mark.parametrize("count", ["7.5", "1e3", "seven", "", True, "1000000001"])
async def test_lenient_still_refuses_what_spells_no_count(count: object) -> None:
    async with in_process(app_for(LENIENT)) as client:
        r = await client.post(STOCK, json={LOC: {"product1": count}})
        assert r.status_code == 400, r.text
        assert r.json()["path"] == f'$["{LOC}"]["product1"]'


async def test_strict_is_the_default_and_refuses_text() -> None:
    async with in_process(app_for(scenario())) as client:
        r = await client.post(STOCK, json={LOC: {"product1": "7"}})
        assert r.status_code == 400
        assert "got a string" in r.text
