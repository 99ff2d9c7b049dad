"""Every query behind a page of i.LEVEL's GET /api/stock seeks an index: none walks a table, at any depth.

The store's statements are traced while it reads pages of a sandbox holding the scenario's records and records
it created; each traced SELECT is then planned with the statistics the store gathers after seeding, and a step
that scans a stored table (rather than searching it) fails. Only the request's own key list (json_each) is scanned.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from simulator.domain.ilevel import ItemChange
from simulator.scenarios.ilevel import section
from simulator.scenarios.loader import load_text
from simulator.store import ilevel, ilevel_stock
from simulator.store.layered import World
from simulator.store.sandboxes import ddl, ensure_scenario, refresh_statistics
from simulator.vendors import SCHEMA

MAIN, OTHER = "1571945CAB99744086F9FDFC9D9332D5", "8E0F3D4C2B1A49D7A6E5F4C3B2A19080"
SCENARIO = f"""
ilevel:
  tenants:
    - name: big
      username: u
      api_key: k
      warehouses: [{{id: {MAIN}, name: Main}}, {{id: {OTHER}, name: Other}}]
      generate: {{count: 3000, seed: 1, code: "C-{{n:06d}}"}}
      variants: [{{variant_id: 0A5EEDAF16F8D54486AB2AD7474B3994, colour: Red}}]
      stock:
        - {{warehouse: {MAIN}, variant: 0A5EEDAF16F8D54486AB2AD7474B3994, inStock: 1}}
        - {{warehouse: {OTHER}, variant: 0A5EEDAF16F8D54486AB2AD7474B3994, inStock: 2}}
"""


@pytest.fixture(scope="module")
def loaded() -> Iterator[tuple[sqlite3.Connection, World]]:
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.executescript(ddl(SCHEMA))
    scenario = load_text(SCENARIO, "plans.yaml")
    ensure_scenario(db, scenario, SCHEMA)
    world = World("sandbox", scenario.id)
    tenant = section(scenario).tenants[0]
    for warehouse in (MAIN, OTHER):
        for start in range(1, 3001, 1000):
            changes = [ItemChange(i, code=f"C-{n:06d}", in_stock=n) for i, n in enumerate(range(start, start + 1000))]
            assert ilevel.apply_batch(db, world, tenant, warehouse, changes, "2030-01-01T00:00:00") == []
    refresh_statistics(db, SCHEMA)
    yield db, world
    db.close()


def test_pages_at_every_depth_hold_the_right_records(loaded: tuple[sqlite3.Connection, World]) -> None:
    conn, world = loaded
    first = ilevel_stock.page(conn, world, "big", None, 0, 3)
    assert first.found == 6002
    assert [(r.warehouse, r.levels.in_stock) for r in first.records] == [(MAIN, 1), (OTHER, 2), (MAIN, 1)]
    last = ilevel_stock.page(conn, world, "big", None, 6000, 1000)
    assert [(r.warehouse, r.levels.in_stock) for r in last.records] == [(OTHER, 2999), (OTHER, 3000)]
    other = ilevel_stock.page(conn, world, "big", OTHER, 0, 2)
    assert (other.found, [r.levels.in_stock for r in other.records]) == (3001, [2, 1])


@pytest.mark.parametrize(("warehouse", "offset"), [(None, 0), (None, 1), (None, 4000), (OTHER, 2500), (MAIN, 0)])
def test_every_statement_of_a_page_seeks_an_index(
    loaded: tuple[sqlite3.Connection, World], warehouse: str | None, offset: int
) -> None:
    conn, world = loaded
    traced: list[str] = []
    conn.set_trace_callback(traced.append)
    try:
        page = ilevel_stock.page(conn, world, "big", warehouse, offset, 1000)
        ilevel_stock.variants(conn, world, "big", [r.variant for r in page.records])
    finally:
        conn.set_trace_callback(None)
    selects = [sql for sql in traced if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert len(selects) >= 4, traced
    for sql in selects:
        plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
        for step in plan:
            if step.startswith("SCAN"):
                assert "json_each" in step or step.split()[1] in ("k", "CONSTANT"), f"{step}\n{sql}"


def test_records_a_sandbox_created_before_records_had_an_order_are_listed_after_the_rest(
    loaded: tuple[sqlite3.Connection, World],
) -> None:
    """A --db file written before this order existed has a sandbox's created records without places in it."""
    conn, world = loaded
    older = World("older", world.scenario)
    scenario = load_text(SCENARIO, "plans.yaml")
    tenant = section(scenario).tenants[0]
    changes = [ItemChange(i, code=f"C-{n:06d}", in_stock=n) for i, n in enumerate((30, 10, 20))]
    assert ilevel.apply_batch(conn, older, tenant, OTHER, changes, "2030-01-01T00:00:00") == []
    conn.execute("DELETE FROM il_stock_added WHERE sandbox = 'older'")
    conn.execute("DELETE FROM il_stock_listed WHERE sandbox = 'older'")
    # A record created since then keeps its place; the older ones follow, by key.
    later = [ItemChange(0, code="C-000040", in_stock=40)]
    assert ilevel.apply_batch(conn, older, tenant, MAIN, later, "2030-01-01T00:00:00") == []
    listed = ilevel_stock.page(conn, older, "big", None, 0, 10)
    assert listed.found == 6
    assert [r.levels.in_stock for r in listed.records][:3] == [1, 2, 40]
    assert sorted(r.levels.in_stock for r in listed.records[3:]) == [10, 20, 30]
    assert [r.variant for r in listed.records[3:]] == sorted(r.variant for r in listed.records[3:])
    again = ilevel_stock.page(conn, older, "big", OTHER, 0, 10)
    assert (again.found, [r.levels.in_stock for r in again.records][:1]) == (4, [2])
