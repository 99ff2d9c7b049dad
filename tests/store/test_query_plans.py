"""Every identifier lookup of every layered table uses an index, whatever the catalog's size.

A lookup that SQLite answers by walking an account's primary-key range costs time in proportion to the catalog
(25 ms at 100k products, 100-200 ms at 1M, on the event loop). The plan is checked on a store seeded with a
scenario that has thousands of rows per vendor, with the statistics the store gathers after seeding, so a change to
the tables, their indexes or the statistics that brings the walk back fails here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from simulator.domain.centra import StockFilter
from simulator.scenarios.loader import load_text
from simulator.scenarios.merchantpro import shops
from simulator.store.centra import ITEMS, get_stock
from simulator.store.layered import LayeredTable, World
from simulator.store.merchantpro import Lookup, find
from simulator.store.sandboxes import ddl, ensure_scenario
from simulator.vendors import SCHEMA

SCENARIO = """
merchantpro:
  shops:
    - name: big
      api_key: k
      api_secret: s
      generate: {count: 5000, seed: 1, sku: "GEN-{n:07d}", ean: "29{n:011d}"}
ilevel:
  tenants:
    - name: big
      username: u
      api_key: k
      warehouses: [{id: 1571945CAB99744086F9FDFC9D9332D5, name: Main}]
      generate: {count: 5000, seed: 1, barcode: "73{n:011d}", code: "C-{n:06d}"}
centra:
  plugins:
    - name: big
      api_token: t
      items:
""" + "".join(
    # Centra has no generate block: its items are written out, each with an EAN, a UPC and a sku combination.
    f'        - {{stockItemId: {n}, productId: {n}, variantId: {n}, sku: S{n}, ean: "73{n:011d}", upc: "{n:012d}"}}\n'
    for n in range(1, 3001)
)


def _lookups() -> Iterator[tuple[LayeredTable, tuple[str, ...]]]:
    for table in SCHEMA.layered:
        yield table, table.key
        for index in table.indexes:
            yield table, index


@pytest.fixture(scope="module")
def conn() -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.executescript(ddl(SCHEMA))
    try:
        loaded = load_text(SCENARIO, "plans.yaml")
    except Exception as exc:  # the scenario must load: a plan checked on empty tables proves nothing
        raise AssertionError(f"the plan scenario does not load: {exc}") from exc
    ensure_scenario(db, loaded, SCHEMA)
    yield db
    db.close()


@pytest.mark.parametrize(
    ("table", "columns"), list(_lookups()), ids=lambda v: v.name if isinstance(v, LayeredTable) else ",".join(v)
)
def test_the_lookup_uses_an_index_on_every_column(
    conn: sqlite3.Connection, table: LayeredTable, columns: tuple[str, ...]
) -> None:
    where = " AND ".join(f"{c} = :{c}" for c in columns)
    params = {"sandbox": "s", "scenario": "x", **dict.fromkeys(columns, "v")}
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + table.select_sql(where, "LIMIT 1"), params)]
    reads = [step for step in plan if step.startswith(("SEARCH", "SCAN"))]
    assert reads, plan
    for step in reads:
        assert step.startswith("SEARCH"), f"{table.name} by {columns}: {step}"
        used = step[step.index("(") + 1 : step.rindex(")")] if "(" in step else ""
        # The outer reads name every lookup column; the NOT EXISTS probe names the whole key.
        wanted = columns if any(f"{c}=?" in used for c in columns if c not in table.key[:1]) else table.key
        for column in wanted:
            assert f"{column}=?" in used, f"{table.name} by {columns}: {step}"


@pytest.mark.parametrize("column", ["ean", "upc", "sku_key"])
def test_a_centra_update_finds_its_identifiers_by_index(conn: sqlite3.Connection, column: str) -> None:
    """An update looks up every identifier it names in one query per identifier kind (store/centra.py
    _by_identifier); each must search its index, not walk the plugin's items."""
    where = f"plugin = :plugin AND {column} IN (SELECT value FROM json_each(:ids))"
    params = {"sandbox": "s", "scenario": "x", "plugin": "big", "ids": '["1"]'}
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + ITEMS.select_sql(where), params)]
    outer = [step for step in plan if step.startswith(("SEARCH centra_item_live", "SEARCH b "))]
    assert len(outer) == 2, plan
    for step in outer:
        assert f"{column}=?" in step, f"centra_item by {column}: {step}"


@pytest.mark.parametrize(
    "filters",
    [StockFilter(sku="S2999"), StockFilter(ean="7300000002999"), StockFilter(upc="000000002999")],
    ids=["sku", "ean", "upc"],
)
def test_centra_get_stock_filters_search_an_index(conn: sqlite3.Connection, filters: StockFilter) -> None:
    """Get stock's identifier filters (`sku` matches the product SKU or the whole sku combination) seek an index:
    make bench measured the sku filter walking the plugin's items (65 ms at 100k, 1.7 s at 1M) before
    (plugin, sku) was indexed."""
    traced: list[str] = []
    scenario = conn.execute("SELECT DISTINCT scenario FROM centra_item_base").fetchone()[0]
    conn.set_trace_callback(traced.append)
    try:
        found = get_stock(conn, World("nobody", scenario), "big", filters, None, 1)
    finally:
        conn.set_trace_callback(None)
    assert [item.stock_item_id for item in found.items] == [2999]
    column = next(name for name in ("sku", "ean", "upc") if getattr(filters, name) is not None)
    for sql in traced:
        plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
        reads = [step for step in plan if step.startswith(("SEARCH", "SCAN")) and "json_each" not in step]
        assert reads, plan
        for step in reads:
            # A search on (sandbox/scenario, plugin) alone is the walk: each read must name the filter's column,
            # or the whole key (the NOT EXISTS probe of one row).
            assert step.startswith("SEARCH"), plan
            named = [f"{column}=?", "stock_item_id=?", *(["sku_key=?"] if column == "sku" else [])]
            assert any(n in step for n in named), f"by {column}: {step}"


@pytest.mark.parametrize("by", ["id", "sku", "ean"])
def test_a_merchantpro_lookup_as_it_runs_searches_an_index(conn: sqlite3.Connection, by: Lookup) -> None:
    """The query MerchantPro's GET and PATCH run (a prepared lookup bound by position, store/merchantpro.py), traced
    as SQLite receives it, searches the index of the column it looks up by."""
    scenario = conn.execute("SELECT DISTINCT scenario FROM mp_product_base").fetchone()[0]
    loaded = load_text(SCENARIO, "plans.yaml")
    shop = shops(loaded)["big"]
    # The 2,999th generated product (ids count from the generator's first_id, 1,000,000).
    identifier = {"id": "1002998", "sku": "GEN-0002999", "ean": "2900000002999"}[by]
    traced: list[str] = []
    conn.set_trace_callback(traced.append)
    try:
        found = find(conn, World("nobody", scenario), shop, by, identifier)
    finally:
        conn.set_trace_callback(None)
    assert found is not None and str(getattr(found, by)) == identifier
    assert len(traced) == 1
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + traced[0])]
    reads = [step for step in plan if step.startswith(("SEARCH", "SCAN"))]
    assert reads, plan
    for step in reads:
        assert step.startswith("SEARCH"), plan
        assert f"{by}=?" in step or "id=?" in step, f"by {by}: {step}"
