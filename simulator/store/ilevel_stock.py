"""i.LEVEL's stock resource in the store: records in a stable order that pages by index, their lastUpdate, and the
variant details ``stock_variant`` shows.

Records are listed in the order they came to be: the scenario's first (``pos``, dense from 0, written at seeding),
then those a sandbox created (``ord``, dense from 0, taken as they are created). Records are never deleted, so
record number N of a listing is found by a range seek on one of the two orders, never by counting the rows before
it: a page costs the same at record 10 or record 1,000,000. The same holds per warehouse (``pos`` in the
warehouse's scope, ``word``). The counts come from the same numbers: the scenario's is stored, a sandbox's is its
highest ``ord`` plus 1.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import msgspec

from simulator.domain.ilevel import Levels
from simulator.domain.ilevel_stock import StockPage, StockRecord, VariantInfo, own_product
from simulator.scenarios import ilevel as spec
from simulator.scenarios.loaded import LoadedScenario
from simulator.store.layered import LayeredTable, World

# Scenario-only tables (only their _base side is used): layered, so that a scenario's rows go with the scenario.
# ORDER holds each record twice: at its place among all the tenant's records (scope "") and among its warehouse's
# (scope = the warehouse id), so either listing is a range of one primary key.
ORDER = LayeredTable("il_stock_order", key=("tenant", "scope", "pos"), columns=("warehouse", "variant"))
COUNTED = LayeredTable("il_stock_counted", key=("tenant", "warehouse"), columns=("n",))  # warehouse "": all
INFO = LayeredTable(
    "il_variant_info",
    key=("tenant", "variant_id"),
    columns=(
        "product_id",
        "product_code",
        "product_title",
        "colour",
        "size",
        "sequence",
        "detail",
        "vatable",
        "rrp",
    ),
)
# A record's lastUpdate: the scenario's in the base table, a sandbox's writes in the live one.
WHEN = LayeredTable("il_stock_when", key=("tenant", "warehouse", "variant"), columns=("at",))
TABLES = (ORDER, COUNTED, INFO, WHEN)
# The records a sandbox created, in the order it created them (overall and per warehouse); and the tenants whose
# records a sandbox has listed since it was created or reset (see _ensure_listed).
SANDBOX_TABLES = ("il_stock_added", "il_stock_listed")
DDL = """
CREATE TABLE IF NOT EXISTS il_stock_added (
    sandbox TEXT NOT NULL, tenant TEXT NOT NULL, warehouse TEXT NOT NULL, variant TEXT NOT NULL,
    ord INTEGER NOT NULL, word INTEGER NOT NULL, PRIMARY KEY (sandbox, tenant, warehouse, variant)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS il_stock_added_ord ON il_stock_added (sandbox, tenant, ord);
CREATE UNIQUE INDEX IF NOT EXISTS il_stock_added_word ON il_stock_added (sandbox, tenant, warehouse, word);
CREATE TABLE IF NOT EXISTS il_stock_listed (
    sandbox TEXT NOT NULL, tenant TEXT NOT NULL, PRIMARY KEY (sandbox, tenant)
) WITHOUT ROWID;
"""

_json = msgspec.json.Encoder()


def seed(conn: sqlite3.Connection, scenario: LoadedScenario) -> int:
    count = 0
    for tenant in spec.section(scenario).tenants:
        per_warehouse: dict[str, int] = {}
        places = []
        for pos, s in enumerate(tenant.stock):
            wpos = per_warehouse.get(s.warehouse, 0)
            per_warehouse[s.warehouse] = wpos + 1
            places += [
                (tenant.name, "", pos, s.warehouse, s.variant),
                (tenant.name, s.warehouse, wpos, s.warehouse, s.variant),
            ]
        ORDER.seed(conn, scenario.id, places)
        WHEN.seed(conn, scenario.id, [(tenant.name, s.warehouse, s.variant, s.last_update) for s in tenant.stock])
        counts = [(tenant.name, "", len(tenant.stock)), *((tenant.name, w, n) for w, n in per_warehouse.items())]
        COUNTED.seed(conn, scenario.id, counts)
        INFO.seed(conn, scenario.id, _info_rows(tenant))
        count += len(places) + len(tenant.stock) + len(counts) + len(tenant.variants)
    return count


def _info_rows(tenant: spec.Tenant) -> list[tuple[Any, ...]]:
    products = {p.id: p for p in tenant.products}
    places: dict[str, int] = {}
    rows = []
    for v in tenant.variants:
        product = products.get(v.product or "")
        if product is None:
            product_id, code, title = own_product(v.variant_id, v.code, v.name)
        else:
            product_id, code, title = product.id, product.code, product.title
        places[product_id] = places.get(product_id, 0) + 1
        sequence = v.sequence if v.sequence is not None else places[product_id]
        rows.append(
            (tenant.name, v.variant_id, product_id, code, title, v.colour, v.size, sequence, v.detail, v.vatable, v.rrp)
        )
    return rows


def record_writes(
    conn: sqlite3.Connection,
    world: World,
    tenant: str,
    warehouse: str,
    written: Sequence[str],
    created: set[str],
    now: str,
) -> None:
    """After a write: every written record's lastUpdate is ``now``; the created ones take the next places in the
    sandbox's order, in the order given."""
    WHEN.put_many(conn, world, ((tenant, warehouse, v, now) for v in written))
    fresh = [v for v in written if v in created]
    if not fresh:
        return
    ord0 = _next(conn, "SELECT max(ord) FROM il_stock_added WHERE sandbox = ? AND tenant = ?", (world.sandbox, tenant))
    word0 = _next(
        conn,
        "SELECT max(word) FROM il_stock_added WHERE sandbox = ? AND tenant = ? AND warehouse = ?",
        (world.sandbox, tenant, warehouse),
    )
    conn.executemany(
        "INSERT INTO il_stock_added (sandbox, tenant, warehouse, variant, ord, word) VALUES (?, ?, ?, ?, ?, ?)",
        [(world.sandbox, tenant, warehouse, v, ord0 + i, word0 + i) for i, v in enumerate(fresh)],
    )


def page(
    conn: sqlite3.Connection, world: World, tenant: str, warehouse: str | None, offset: int, limit: int
) -> StockPage:
    """Records ``offset`` .. ``offset + limit - 1`` of the tenant's (or one warehouse's), and how many there are."""
    _ensure_ordered(conn, world, tenant)
    _ensure_listed(conn, world, tenant)
    params: dict[str, Any] = {"sandbox": world.sandbox, "scenario": world.scenario, "tenant": tenant}
    if warehouse is None:
        ords, scope = "ord", ""
    else:
        ords, scope = "word", " AND warehouse = :warehouse"
        params["warehouse"] = warehouse
    row = conn.execute(
        "SELECT n FROM il_stock_counted_base WHERE scenario = :scenario AND tenant = :tenant AND warehouse = :w",
        {**params, "w": warehouse or ""},
    ).fetchone()
    in_scenario = int(row[0]) if row else 0
    added = _next(
        conn, f"SELECT max({ords}) FROM il_stock_added WHERE sandbox = :sandbox AND tenant = :tenant{scope}", params
    )
    keys: list[tuple[str, str]] = []
    if offset < in_scenario:
        keys += conn.execute(
            "SELECT warehouse, variant FROM il_stock_order_base WHERE scenario = :scenario AND tenant = :tenant "
            "AND scope = :scope AND pos >= :lo AND pos < :hi ORDER BY pos",
            {**params, "scope": warehouse or "", "lo": offset, "hi": offset + limit},
        ).fetchall()
    first = max(0, offset - in_scenario)
    wanted = limit - len(keys)
    if wanted > 0 and first < added:
        keys += conn.execute(
            f"SELECT warehouse, variant FROM il_stock_added WHERE sandbox = :sandbox AND tenant = :tenant{scope} "
            f"AND {ords} >= :lo AND {ords} < :hi ORDER BY {ords}",
            {**params, "lo": first, "hi": first + wanted},
        ).fetchall()
    return StockPage(in_scenario + added, records(conn, world, tenant, keys))


def records(conn: sqlite3.Connection, world: World, tenant: str, keys: Sequence[tuple[str, str]]) -> list[StockRecord]:
    """The records with these (warehouse, variant) keys that exist, in the order of the keys."""
    if not keys:
        return []
    rows = conn.execute(
        """
        WITH k (warehouse, variant, pos) AS (
            SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), key FROM json_each(:keys)
        )
        SELECT k.warehouse, k.variant, coalesce(l.in_stock, b.in_stock), coalesce(l.demand, b.demand),
               coalesce(l.supply, b.supply), coalesce(t.at, o.at, :default)
        FROM k
        LEFT JOIN il_stock_live AS l ON l.sandbox = :sandbox AND l.tenant = :tenant AND l.warehouse = k.warehouse
            AND l.variant = k.variant AND l.gone = 0
        LEFT JOIN il_stock_base AS b ON b.scenario = :scenario AND b.tenant = :tenant AND b.warehouse = k.warehouse
            AND b.variant = k.variant
        LEFT JOIN il_stock_when_live AS t ON t.sandbox = :sandbox AND t.tenant = :tenant AND t.warehouse = k.warehouse
            AND t.variant = k.variant
        LEFT JOIN il_stock_when_base AS o ON o.scenario = :scenario AND o.tenant = :tenant
            AND o.warehouse = k.warehouse AND o.variant = k.variant
        WHERE l.variant IS NOT NULL OR b.variant IS NOT NULL
        ORDER BY k.pos
        """,
        {
            "keys": _json.encode(keys),
            "sandbox": world.sandbox,
            "scenario": world.scenario,
            "tenant": tenant,
            "default": spec.DEFAULT_LAST_UPDATE,
        },
    ).fetchall()
    return [StockRecord(r[0], r[1], Levels(r[2], r[3], r[4]), r[5]) for r in rows]


def variants(conn: sqlite3.Connection, world: World, tenant: str, ids: Sequence[str]) -> dict[str, VariantInfo]:
    """What ``stock_variant`` shows of each of these variants; one the scenario lists no details for (a generated
    variant) is the only variant of a product of its own."""
    rows = conn.execute(
        """
        SELECT v.variant_id, v.barcode, v.code, v.name, i.product_id, i.product_code, i.product_title, i.colour,
               i.size, i.sequence, i.detail, i.vatable, i.rrp
        FROM il_variant_base AS v
        LEFT JOIN il_variant_info_base AS i ON i.scenario = v.scenario AND i.tenant = v.tenant
            AND i.variant_id = v.variant_id
        WHERE v.scenario = :scenario AND v.tenant = :tenant AND v.variant_id IN (SELECT value FROM json_each(:ids))
        """,
        {"scenario": world.scenario, "tenant": tenant, "ids": _json.encode(sorted(set(ids)))},
    ).fetchall()
    found: dict[str, VariantInfo] = {}
    for variant_id, barcode, code, name, product_id, *rest in rows:
        if product_id is None:
            product_id, product_code, product_title = own_product(variant_id, code, name)
            found[variant_id] = VariantInfo(variant_id, product_id, product_code, product_title, code, barcode)
        else:
            product_code, product_title, colour, size, sequence, detail, vatable, rrp = rest
            found[variant_id] = VariantInfo(
                variant_id,
                product_id,
                product_code,
                product_title,
                code,
                barcode,
                colour,
                size,
                sequence,
                detail,
                bool(vatable),
                float(rrp),
            )
    return found


def _next(conn: sqlite3.Connection, sql: str, params: Any) -> int:
    """One past the highest number the query finds (0 when there is none)."""
    row = conn.execute(sql, params).fetchone()
    return 0 if row is None or row[0] is None else int(row[0]) + 1


def _ensure_ordered(conn: sqlite3.Connection, world: World, tenant: str) -> None:
    """A scenario seeded before records had an order (an older --db file) gets one now, by key: its sandboxes'
    records are then the scenario's, and those they created afterwards."""
    if conn.execute(
        "SELECT 1 FROM il_stock_counted_base WHERE scenario = ? AND tenant = ? AND warehouse = ''",
        (world.scenario, tenant),
    ).fetchone():
        return
    params = {"scenario": world.scenario, "tenant": tenant}
    conn.execute(
        """
        INSERT INTO il_stock_order_base (scenario, tenant, scope, pos, warehouse, variant)
        SELECT scenario, tenant, '', row_number() OVER (ORDER BY warehouse, variant) - 1, warehouse, variant
        FROM il_stock_base WHERE scenario = :scenario AND tenant = :tenant
        UNION ALL
        SELECT scenario, tenant, warehouse, row_number() OVER (PARTITION BY warehouse ORDER BY variant) - 1, warehouse,
            variant
        FROM il_stock_base WHERE scenario = :scenario AND tenant = :tenant
        """,
        params,
    )
    conn.execute(
        """
        INSERT INTO il_stock_counted_base (scenario, tenant, warehouse, n)
        SELECT :scenario, :tenant, '', count(*) FROM il_stock_base WHERE scenario = :scenario AND tenant = :tenant
        UNION ALL
        SELECT :scenario, :tenant, warehouse, count(*) FROM il_stock_base WHERE scenario = :scenario
            AND tenant = :tenant GROUP BY warehouse
        """,
        params,
    )


def _ensure_listed(conn: sqlite3.Connection, world: World, tenant: str) -> None:
    """Once per sandbox and tenant (and after each reset): records the sandbox created before records had an order
    (an older --db file) take places after the ones it has, by key. Later listings cost one lookup here."""
    if conn.execute(
        "SELECT 1 FROM il_stock_listed WHERE sandbox = ? AND tenant = ?", (world.sandbox, tenant)
    ).fetchone():
        return
    params = {"sandbox": world.sandbox, "scenario": world.scenario, "tenant": tenant}
    conn.execute(
        """
        INSERT INTO il_stock_added (sandbox, tenant, warehouse, variant, ord, word)
        SELECT l.sandbox, l.tenant, l.warehouse, l.variant,
            (SELECT coalesce(max(ord) + 1, 0) FROM il_stock_added WHERE sandbox = :sandbox AND tenant = :tenant)
                + row_number() OVER (ORDER BY l.warehouse, l.variant) - 1,
            (SELECT coalesce(max(word) + 1, 0) FROM il_stock_added AS a WHERE a.sandbox = :sandbox
                AND a.tenant = :tenant AND a.warehouse = l.warehouse)
                + row_number() OVER (PARTITION BY l.warehouse ORDER BY l.variant) - 1
        FROM il_stock_live AS l
        WHERE l.sandbox = :sandbox AND l.tenant = :tenant AND l.gone = 0
            AND NOT EXISTS (SELECT 1 FROM il_stock_base AS b WHERE b.scenario = :scenario AND b.tenant = :tenant
                AND b.warehouse = l.warehouse AND b.variant = l.variant)
            AND NOT EXISTS (SELECT 1 FROM il_stock_added AS a WHERE a.sandbox = :sandbox AND a.tenant = :tenant
                AND a.warehouse = l.warehouse AND a.variant = l.variant)
        """,
        params,
    )
    conn.execute("INSERT INTO il_stock_listed (sandbox, tenant) VALUES (?, ?)", (world.sandbox, tenant))
