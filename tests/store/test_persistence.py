"""--db keeps state in a SQLite file (WAL) that survives a restart: every sandbox with its scenario, its changes,
its clock and its fault rules (with their counters)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from simulator.scenarios import examples
from tests.support import app_for, in_process, served
from tests.vendors.kaching.conftest import eventually
from tests.vendors.merchantpro.conftest import DEMO

pytestmark = pytest.mark.anyio
URL = "/merchantpro/demo/api/v2/inventory/id/10001"
DEFAULT_YAML = (examples.FILES / "default.yaml").read_text()
KC = "/ka-ching/imports/stock?account=demo-account&integration=demo-queue&apikey=demo-apikey"


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


@asynccontextmanager
async def on_a_socket(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app on uvicorn: a restart is the server's real shutdown and start. (Also, in process httpx
    hands a GET's empty body over in two messages, on which the toolkit's read_body spins when a fault fires.)"""
    with served(app) as base:
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            yield client


async def scenario_id(client: httpx.AsyncClient, sandbox: str = "default") -> str:
    found: str = (await client.get(f"/_sim/sandboxes/{sandbox}")).json()["scenario"]["id"]
    return found


async def kc_count(client: httpx.AsyncClient, sandbox: str = "default") -> Any:
    r = await client.get("/_sim/state", params={"vendor": "ka-ching", "sandbox": sandbox})
    return r.json()["ka-ching"]["accounts"]["demo-account"]["locations"]["stock_location_id"]["stock"]["product1"]


async def test_a_restart_on_an_edited_scenario_loses_no_acknowledged_write(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = str(tmp_path / "sim.db")
    edited = DEFAULT_YAML.replace("Data from the vendors' own", "Edited: data from the vendors' own")
    assert edited != DEFAULT_YAML
    async with on_a_socket(app_for(DEFAULT_YAML, db=db)) as client:
        assert (await client.patch(URL, json={"stock": 42}, headers=DEMO)).status_code == 200
        assert (await client.post(KC, json={"stock_location_id": {"product1": 9}})).status_code == 200
        await client.post("/_sim/sandboxes", json={"name": "kept"})
        await client.patch(f"/sandboxes/kept{URL}", json={"stock": 7}, headers=DEMO)
        first = await scenario_id(client)
    for _ in range(2):  # and again: nothing is lost on the second restart either
        caplog.clear()
        async with on_a_socket(app_for(edited, db=db)) as client:
            assert (await client.get(URL, headers=DEMO)).json()["stock"] == 42
            assert await kc_count(client) == 9
            assert (await client.get(f"/sandboxes/kept{URL}", headers=DEMO)).json()["stock"] == 7
            # Each sandbox stays on the scenario it was built from; new ones use the server's.
            assert await scenario_id(client) == await scenario_id(client, "kept") == first
            loaded = (await client.get("/_sim/health")).json()["scenario"]["id"]
            assert loaded != first
            created = (await client.post("/_sim/sandboxes", json={})).json()
            assert created["scenario"]["id"] == loaded
            await client.delete(f"/_sim/sandboxes/{created['name']}")
            # A reset goes back to the sandbox's own scenario.
            await client.patch(f"/sandboxes/kept{URL}", json={"stock": 8}, headers=DEMO)
            await client.post("/_sim/sandboxes/kept/reset")
            assert (await client.get(f"/sandboxes/kept{URL}", headers=DEMO)).json()["stock"] == 10
            await client.patch(f"/sandboxes/kept{URL}", json={"stock": 7}, headers=DEMO)
        (line,) = [r for r in caplog.records if r.levelno == logging.WARNING]
        message = line.getMessage()
        assert "keeps scenario" in message and "--reset-on-scenario-change" in message and first in message


async def test_reset_on_scenario_change_rebuilds_only_the_default_sandbox(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = str(tmp_path / "sim.db")
    async with on_a_socket(app_for(db=db)) as client:
        await client.patch(URL, json={"stock": 42}, headers=DEMO)
        await client.post("/_sim/sandboxes", json={"name": "old"})
        await client.patch(f"/sandboxes/old{URL}", json={"stock": 7}, headers=DEMO)
        await client.post("/_sim/clock", json={"set": "2030-01-01T00:00:00Z", "freeze": True})
    other = """
merchantpro:
  shops: [{name: other, api_key: k, api_secret: s, products: [{id: 1, sku: A, price_net: 1, stock: 3}]}]
"""
    async with on_a_socket(app_for(other, db=db)) as client:
        # Without the setting, the default sandbox keeps its scenario: the other scenario's shop is not in it.
        assert (await client.get(URL, headers=DEMO)).json()["stock"] == 42
        assert (await client.get("/merchantpro/other/api/v2/inventory/id/1", auth=("k", "s"))).status_code == 404
    caplog.clear()
    async with on_a_socket(app_for(other, db=db, reset_on_scenario_change=True)) as client:
        assert (await client.get("/merchantpro/other/api/v2/inventory/id/1", auth=("k", "s"))).json()["stock"] == 3
        assert (await client.get(URL, headers=DEMO)).status_code == 404
        assert (await client.get("/_sim/clock")).json()["frozen"] is False  # rebuilt: its clock too
        # Sandboxes built on the earlier scenario keep it, and their changes.
        assert (await client.get(f"/sandboxes/old{URL}", headers=DEMO)).json()["stock"] == 7
    (line,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "rebuilt it on the loaded scenario" in line.getMessage()
    async with on_a_socket(app_for(other, db=db)) as client:
        assert (await client.get("/merchantpro/other/api/v2/inventory/id/1", auth=("k", "s"))).json()["stock"] == 3


DELAYED = """
merchantpro:
  shops: [{name: s, api_key: k, api_secret: s, products: [{id: 1, sku: A, price_net: 1, stock: 3}]}]
ka_ching:
  accounts:
    - id: slow
      processing_delay: 30
      import_queues: [{id: q, apikey: k}]
      stock_locations: [{id: shop}]
      products: [{id: p}]
      stock: [{location: shop, product: p, count: 1}]
"""
SLOW = "/ka-ching/imports/stock?account=slow&integration=q&apikey=k"
MP_S = "/merchantpro/s/api/v2/inventory/id/1"


async def slow_account(client: httpx.AsyncClient, sandbox: str = "default") -> tuple[Any, int]:
    r = await client.get("/_sim/state", params={"vendor": "ka-ching", "sandbox": sandbox})
    account = r.json()["ka-ching"]["accounts"]["slow"]
    return account["locations"]["shop"]["stock"]["p"], int(account["pending_imports"])


async def test_an_import_accepted_on_a_virtual_clock_is_applied_after_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "sim.db")
    async with on_a_socket(app_for(DELAYED, db=db)) as client:
        r = await client.post("/_sim/clock", json={"set": "2030-06-01T12:00:00Z", "freeze": True})
        assert r.status_code == 200
        assert (await client.post(SLOW, json={"shop": {"p": 5}})).status_code == 200
        await client.post("/_sim/sandboxes", json={"name": "running"})
        await client.post("/_sim/clock", params={"sandbox": "running"}, json={"set": "2030-06-01T12:00:00Z"})
        assert (await client.post(f"/sandboxes/running{SLOW}", json={"shop": {"p": 6}})).status_code == 200
    async with on_a_socket(app_for(DELAYED, db=db)) as client:
        clock = (await client.get("/_sim/clock")).json()
        assert (clock["now"], clock["frozen"]) == ("2030-06-01T12:00:00.000Z", True)
        running = (await client.get("/_sim/clock", params={"sandbox": "running"})).json()
        assert running["frozen"] is False and running["now"].startswith("2030-06-01T12:0")
        assert await slow_account(client) == (1, 1)
        await client.post("/_sim/clock", json={"advance": 31})
        await client.post("/_sim/clock", params={"sandbox": "running"}, json={"advance": 31})

        async def applied() -> bool:
            return await slow_account(client) == (5, 0) and await slow_account(client, "running") == (6, 0)

        await eventually(applied)


async def test_fault_rules_and_their_counters_survive_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "sim.db")
    nth = {
        "id": "second",
        "match": {"vendor": "merchantpro"},
        "when": {"nth": 2},
        "action": {"kind": "status", "status": 500},
    }
    coin = {
        "match": {"vendor": "merchantpro"},
        "when": {"probability": 0.5, "seed": 7},
        "action": {"kind": "status", "status": 503},
    }

    async def statuses(client: httpx.AsyncClient, n: int) -> list[int]:
        return [(await client.get(MP_S, auth=("k", "s"))).status_code for _ in range(n)]

    # What the coin rule does over 20 calls, uninterrupted.
    async with on_a_socket(app_for(DELAYED)) as client:
        assert (await client.post("/_sim/faults", json=coin)).status_code == 201
        reference = await statuses(client, 20)
    assert {200, 503} <= set(reference)
    async with on_a_socket(app_for(DELAYED, db=db)) as client:
        installed = (await client.post("/_sim/faults", json=[coin, nth])).json()["installed"]
        assert [r["id"] for r in installed] == ["rule-1", "second"]
        first = await statuses(client, 1)
    async with on_a_socket(app_for(DELAYED, db=db)) as client:
        rules = (await client.get("/_sim/faults")).json()["faults"]
        assert [(r["id"], r["calls"]) for r in rules] == [("rule-1", 1), ("second", 1)]
        # The nth rule fires on the second call overall, and the coin goes on with the same sequence of draws.
        rest = await statuses(client, 19)
        assert rest[0] == (500 if reference[1] == 200 else 503)
        assert [s for i, s in enumerate(first + rest) if i != 1] == [s for i, s in enumerate(reference) if i != 1]
        assert (await client.delete("/_sim/faults/second")).status_code == 204
        await client.post("/_sim/faults", json={"match": {"vendor": "ilevel"}, "action": {"kind": "drop"}})
    async with on_a_socket(app_for(DELAYED, db=db)) as client:
        rules = (await client.get("/_sim/faults")).json()["faults"]
        assert [r["id"] for r in rules] == ["rule-1", "rule-3"]
        await client.post("/_sim/reset")
    async with on_a_socket(app_for(DELAYED, db=db)) as client:
        assert (await client.get("/_sim/faults")).json()["faults"] == []
        assert (await client.get("/_sim/clock")).json()["frozen"] is False


async def test_a_db_file_from_before_incarnations_is_migrated(tmp_path: Path) -> None:
    db = str(tmp_path / "sim.db")
    async with in_process(app_for(db=db)) as client:
        await client.patch(URL, json={"stock": 42}, headers=DEMO)
        await client.post("/_sim/sandboxes", json={"name": "kept"})
        await client.patch(f"/sandboxes/kept{URL}", json={"stock": {"adjust_by": 1}}, headers=DEMO)
    _downgrade(db)
    with sqlite3.connect(db) as conn:
        # An import left waiting for a sandbox that no longer exists: dropped, never applied.
        conn.execute(
            "INSERT INTO kc_import (sandbox, account, queue, kind, payload, size, received, due) "
            "VALUES ('gone', 'demo-account', 'demo-queue', 'adjustment', '[]', 0, 0, 0)"
        )
    async with in_process(app_for(db=db)) as client:
        store = client._transport.app.state.store  # type: ignore[attr-defined]

        def orphans(conn: sqlite3.Connection) -> int:
            return int(conn.execute("SELECT count(*) FROM kc_import WHERE sandbox = 'gone'").fetchone()[0])

        async def dropped() -> bool:
            left: int = await store.run(orphans)
            return left == 0

        await eventually(dropped)
        assert (await client.get(URL, headers=DEMO)).json()["stock"] == 42
        assert (await client.get(f"/sandboxes/kept{URL}", headers=DEMO)).json()["stock"] == 11
        assert (await client.delete("/_sim/sandboxes/kept")).status_code == 204
        assert (await client.post("/_sim/sandboxes", json={"name": "kept"})).status_code == 201
        assert (await client.get(f"/sandboxes/kept{URL}", headers=DEMO)).json()["stock"] == 10


def _downgrade(db: str) -> None:
    """Rewrite a --db file the way the simulator wrote it before sandboxes had incarnations: rows keyed by the
    sandbox's name, and a sandboxes table without the incarnation and runtime columns."""
    conn = sqlite3.connect(db, isolation_level=None)
    names = dict(conn.execute("SELECT incarnation, name FROM sandboxes").fetchall())
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        if table != "sandboxes" and "sandbox" in {c[1] for c in conn.execute(f"PRAGMA table_info({table})")}:
            for incarnation, name in names.items():
                conn.execute(f"UPDATE {table} SET sandbox = ? WHERE sandbox = ?", (name, incarnation))
    conn.executescript(
        """
        CREATE TABLE old_sandboxes (
            name TEXT PRIMARY KEY, scenario TEXT NOT NULL REFERENCES scenarios (id), created_at TEXT NOT NULL
        );
        INSERT INTO old_sandboxes SELECT name, scenario, created_at FROM sandboxes;
        DROP TABLE sandboxes;
        ALTER TABLE old_sandboxes RENAME TO sandboxes;
        """
    )
    conn.close()
