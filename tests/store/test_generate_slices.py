"""A large `generate:` is made in slices that report progress: the slices make the very rows one statement would,
and the progress reaches whoever started the server, across the store's connection thread."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from simulator import progress
from simulator.progress import Progress
from simulator.scenarios.loader import load_text
from simulator.store import merchantpro
from simulator.store.layered import World
from simulator.store.merchantpro import PRODUCTS
from simulator.store.sandboxes import ddl, ensure_scenario
from simulator.vendors import SCHEMA
from tests.support import app_for, in_process

pytestmark = pytest.mark.anyio
LOGGER = "tests.generate"

SCENARIO = """
merchantpro:
  shops:
    - name: big
      api_key: k
      api_secret: s
      generate: {{count: {count}, seed: 3, sku: "SKU-{{n:06d}}", ean: "40{{n:011d}}"}}
    - name: mw
      api_key: k2
      api_secret: s2
      multi_warehouse: true
      warehouses: [{{id: 4, name: A}}, {{id: 9, name: B}}]
      generate: {{count: 50, seed: 3}}
"""


def catalog(count: int) -> list[tuple[object, ...]]:
    scenario = load_text(SCENARIO.format(count=count), "gen.yaml")
    conn = sqlite3.connect(":memory:")
    conn.executescript(ddl(SCHEMA))
    ensure_scenario(conn, scenario, SCHEMA)
    return PRODUCTS.select(conn, World("default", scenario.id), tail="ORDER BY shop, id")


def test_slices_make_the_same_rows_as_one_statement(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = catalog(2003)
    monkeypatch.setattr(merchantpro, "GENERATE_SLICE", 7)
    sliced = catalog(2003)
    assert len(sliced) == 2053
    assert sliced == whole


async def test_progress_reaches_the_reporter_from_the_store_thread(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(merchantpro, "GENERATE_SLICE", 10_000)
    caplog.set_level(logging.INFO, LOGGER)
    app = app_for(SCENARIO.format(count=30_000))
    with progress.reporting(Progress(log=logging.getLogger(LOGGER), after=0, every=0)):
        async with in_process(app) as client:
            r = await client.get("/merchantpro/big/api/v2/inventory/sku/SKU-030000", auth=("k", "s"))
            assert r.status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    assert lines[:2] == [
        "generating products for shop 'big': 10,000 of 30,000 (33%)",
        "generating products for shop 'big': 20,000 of 30,000 (66%)",
    ]
    assert lines[2].startswith("generating products for shop 'big': 30,000 done in ")
    assert len(lines) == 3  # shop mw: one slice, nothing to follow
