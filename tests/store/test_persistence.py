"""--db keeps state in a SQLite file (WAL) that survives a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import app_for, in_process
from tests.vendors.merchantpro.conftest import DEMO

pytestmark = pytest.mark.anyio
URL = "/merchantpro/demo/api/v2/inventory/id/10001"


async def test_state_and_sandboxes_survive_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "sim.db")
    async with in_process(app_for(db=db)) as client:
        assert (await client.patch(URL, json={"stock": 42}, headers=DEMO)).status_code == 200
        await client.post("/_sim/sandboxes", json={"name": "kept"})
        await client.patch(f"/sandboxes/kept{URL}", json={"stock": {"adjust_by": 1}}, headers=DEMO)
    assert (tmp_path / "sim.db").exists()
    async with in_process(app_for(db=db)) as client:
        assert (await client.get(URL, headers=DEMO)).json()["stock"] == 42
        assert (await client.get(f"/sandboxes/kept{URL}", headers=DEMO)).json()["stock"] == 11
        await client.post("/_sim/reset")
        assert (await client.get(URL, headers=DEMO)).json()["stock"] == 10


async def test_a_changed_scenario_rebases_the_default_sandbox(tmp_path: Path) -> None:
    db = str(tmp_path / "sim.db")
    async with in_process(app_for(db=db)) as client:
        await client.patch(URL, json={"stock": 42}, headers=DEMO)
        await client.post("/_sim/sandboxes", json={"name": "old"})
        await client.patch(f"/sandboxes/old{URL}", json={"stock": 7}, headers=DEMO)
    other = """
merchantpro:
  shops: [{name: other, api_key: k, api_secret: s, products: [{id: 1, sku: A, price_net: 1, stock: 3}]}]
"""
    async with in_process(app_for(other, db=db)) as client:
        assert (await client.get("/merchantpro/other/api/v2/inventory/id/1", auth=("k", "s"))).json()["stock"] == 3
        # Sandboxes built on the earlier scenario keep it, and their changes.
        assert (await client.get(f"/sandboxes/old{URL}", headers=DEMO)).json()["stock"] == 7
