"""i.LEVEL in the store: variants (scenario-only), stock records per (warehouse, variant), forced failures.

A batch is one unit of work: a handful of set-based reads (``json_each`` turns the batch's identifiers into
a table) and one ``executemany`` write, however many items it holds.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

import msgspec

from simulator.domain.ilevel import Catalog, ItemChange, ItemError, Levels, plan, resolve
from simulator.scenarios import ilevel as spec
from simulator.scenarios.loaded import LoadedScenario
from simulator.store import ilevel_stock
from simulator.store.layered import LayeredTable, World
from simulator.store.part import StorePart

VARIANTS = LayeredTable(
    "il_variant",
    key=("tenant", "variant_id"),
    columns=("barcode", "code", "name"),
    indexes=(("tenant", "barcode"), ("tenant", "code")),
)
STOCK = LayeredTable("il_stock", key=("tenant", "warehouse", "variant"), columns=("in_stock", "demand", "supply"))
# Items forced to fail with 12051: the scenario's in the base table, the control plane's per sandbox.
# warehouse "" means every warehouse.
FAILS = LayeredTable("il_fail", key=("tenant", "warehouse", "variant"), columns=())
TABLES = (VARIANTS, STOCK, FAILS, *ilevel_stock.TABLES)
SANDBOX_TABLES: tuple[str, ...] = ilevel_stock.SANDBOX_TABLES
DDL = ilevel_stock.DDL

_json = msgspec.json.Encoder()
_IN = "IN (SELECT value FROM json_each(:{name}))"


def seed(conn: sqlite3.Connection, scenario: LoadedScenario) -> int:
    count = 0
    for tenant in spec.section(scenario).tenants:
        variants = [(tenant.name, v.variant_id, v.barcode, v.code, v.name) for v in spec.all_variants(tenant)]
        VARIANTS.seed(conn, scenario.id, variants)
        stock = [(tenant.name, s.warehouse, s.variant, s.in_stock, s.demand, s.supply) for s in tenant.stock]
        STOCK.seed(conn, scenario.id, stock)
        fails = {(tenant.name, f.warehouse or "", spec.fail_variant(tenant, f)) for f in tenant.fail_items}
        FAILS.seed(conn, scenario.id, sorted(fails, key=str))
        count += len(variants) + len(stock) + len(fails)
    return count + ilevel_stock.seed(conn, scenario)


def apply_batch(
    conn: sqlite3.Connection,
    world: World,
    tenant: spec.Tenant,
    warehouse: str,
    changes: Sequence[ItemChange],
    now: str,
) -> list[tuple[int, ItemError]]:
    """Apply the items that pass, inside the caller's transaction; returns the failures. ``now`` is the records'
    lastUpdate."""
    catalog = _catalog(conn, world, tenant.name, changes)
    forced = {
        r[2]
        for r in FAILS.select(
            conn,
            world,
            "tenant = :tenant AND warehouse IN ('', :warehouse)",
            {"tenant": tenant.name, "warehouse": warehouse},
        )
    }
    current = read_levels(
        conn, world, tenant.name, warehouse, catalog.ids | set(catalog.barcodes.values()) | set(catalog.codes.values())
    )
    result = plan(changes, catalog, tenant.identifier_precedence, forced, current)
    STOCK.put_many(
        conn,
        world,
        ((tenant.name, warehouse, v, lv.in_stock, lv.demand, lv.supply) for v, lv in result.writes.items()),
    )
    ilevel_stock.record_writes(
        conn, world, tenant.name, warehouse, list(result.writes), set(result.writes) - set(current), now
    )
    return result.failures


def read_levels(
    conn: sqlite3.Connection, world: World, tenant: str, warehouse: str, variants: Iterable[str]
) -> dict[str, Levels]:
    rows = STOCK.select(
        conn,
        world,
        f"tenant = :tenant AND warehouse = :warehouse AND variant {_IN.format(name='variants')}",
        {"tenant": tenant, "warehouse": warehouse, "variants": _json.encode(sorted(set(variants)))},
    )
    return {r[2]: Levels(r[3], r[4], r[5]) for r in rows}


def find_variant(conn: sqlite3.Connection, world: World, tenant: spec.Tenant, change: ItemChange) -> str | None:
    return resolve(change, _catalog(conn, world, tenant.name, [change]), tenant.identifier_precedence)


def stock_page(
    conn: sqlite3.Connection, world: World, tenant: str, warehouse: str, offset: int, limit: int
) -> tuple[int, list[tuple[str, Levels]]]:
    where, params = "tenant = :tenant AND warehouse = :warehouse", {"tenant": tenant, "warehouse": warehouse}
    total = STOCK.count(conn, world, where, params)
    rows = STOCK.select(
        conn, world, where, {**params, "limit": limit, "offset": offset}, "ORDER BY variant LIMIT :limit OFFSET :offset"
    )
    return total, [(r[2], Levels(r[3], r[4], r[5])) for r in rows]


def add_fails(conn: sqlite3.Connection, world: World, tenant: str, warehouse: str, variants: Iterable[str]) -> None:
    FAILS.put_many(conn, world, ((tenant, warehouse, v) for v in variants))


def clear_fails(conn: sqlite3.Connection, world: World, tenant: str) -> None:
    """Forget the control plane's fail items; the scenario's stay."""
    conn.execute("DELETE FROM il_fail_live WHERE sandbox = ? AND tenant = ?", (world.sandbox, tenant))


def list_fails(conn: sqlite3.Connection, world: World, tenant: str) -> list[tuple[str, str]]:
    rows = FAILS.select(conn, world, "tenant = :tenant", {"tenant": tenant}, "ORDER BY variant, warehouse")
    return [(r[2], r[1]) for r in rows]


class WarehouseState(msgspec.Struct, frozen=True):
    stock: list[tuple[str, Levels]]  # the first records by variant id
    total: int


class TenantState(msgspec.Struct, frozen=True):
    warehouses: dict[str, WarehouseState]  # by warehouse id, in the scenario's order
    fails: list[tuple[str, str]]  # (variant, warehouse), warehouse "" for every warehouse


def state(conn: sqlite3.Connection, world: World, scenario: LoadedScenario, limit: int) -> dict[str, TenantState]:
    """Per tenant and warehouse, the first ``limit`` stock records by variant id; and the forced failures."""
    tenants: dict[str, TenantState] = {}
    for tenant in spec.section(scenario).tenants:
        warehouses: dict[str, WarehouseState] = {}
        for w in tenant.warehouses:
            total, page = stock_page(conn, world, tenant.name, w.id, 0, limit)
            warehouses[w.id] = WarehouseState(page, total)
        tenants[tenant.name] = TenantState(warehouses, list_fails(conn, world, tenant.name))
    return tenants


def _catalog(conn: sqlite3.Connection, world: World, tenant: str, changes: Sequence[ItemChange]) -> Catalog:
    ids = {c.variant_id for c in changes if c.variant_id is not None}
    barcodes = {c.barcode for c in changes if c.barcode is not None}
    codes = {c.code for c in changes if c.code is not None}
    found_ids: set[str] = set()
    by_barcode: dict[str, str] = {}
    by_code: dict[str, str] = {}
    if ids:
        found_ids = {r[1] for r in _variants(conn, world, tenant, "variant_id", ids)}
    if barcodes:
        by_barcode = {r[2]: r[1] for r in _variants(conn, world, tenant, "barcode", barcodes)}
    if codes:
        by_code = {r[3]: r[1] for r in _variants(conn, world, tenant, "code", codes)}
    return Catalog(found_ids, by_barcode, by_code)


def _variants(conn: sqlite3.Connection, world: World, tenant: str, column: str, values: set[str]) -> list[Any]:
    return VARIANTS.select(
        conn,
        world,
        f"tenant = :tenant AND {column} {_IN.format(name='values')}",
        {"tenant": tenant, "values": _json.encode(sorted(values))},
    )


PART = StorePart(tables=TABLES, sandbox_tables=SANDBOX_TABLES, ddl=DDL, seed=seed)
