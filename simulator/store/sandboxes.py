"""Scenarios and sandboxes as rows: which scenarios are seeded, which sandboxes exist and what they are built on."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import msgspec

from simulator.scenarios.loaded import LoadedScenario
from simulator.store import centra, ilevel, kaching, merchantpro
from simulator.store.layered import LayeredTable

CORE_DDL = """
CREATE TABLE IF NOT EXISTS scenarios (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, source TEXT NOT NULL, doc BLOB NOT NULL, seeded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sandboxes (
    name TEXT PRIMARY KEY, scenario TEXT NOT NULL REFERENCES scenarios (id), created_at TEXT NOT NULL
);
"""

# Every vendor's store module: its layered tables, its per-sandbox append-only tables, and how it seeds.
VENDOR_STORES = (merchantpro, kaching, ilevel, centra)
LAYERED: tuple[LayeredTable, ...] = tuple(t for v in VENDOR_STORES for t in v.TABLES)
APPENDED: tuple[str, ...] = tuple(t for v in VENDOR_STORES for t in v.SANDBOX_TABLES)


def ddl() -> str:
    return "\n".join([CORE_DDL, *(t.ddl() for t in LAYERED), *(v.DDL for v in VENDOR_STORES)])


class SandboxExists(Exception):
    pass


class SandboxRow(msgspec.Struct, frozen=True):
    name: str
    scenario: str
    created_at: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def ensure_scenario(conn: sqlite3.Connection, scenario: LoadedScenario) -> int | None:
    """Seed a scenario's base rows unless an identical scenario is already stored; returns the rows seeded."""
    if conn.execute("SELECT 1 FROM scenarios WHERE id = ?", (scenario.id,)).fetchone():
        return None
    seeded = sum(int(v.seed(conn, scenario)) for v in VENDOR_STORES)
    conn.execute(
        "INSERT INTO scenarios (id, name, source, doc, seeded_at) VALUES (?, ?, ?, ?, ?)",
        (scenario.id, scenario.spec.name, scenario.source, scenario.to_json(), _now()),
    )
    refresh_statistics(conn)
    return seeded


def refresh_statistics(conn: sqlite3.Connection) -> None:
    """Give the query planner row statistics. Without them SQLite walks a layered table's primary-key range for a
    shop (every product) instead of the (shop, sku) index: a lookup by SKU took 25 ms at 100k products instead of
    0.02 ms. analysis_limit samples each index, so this costs about the same at 1k or 1M rows."""
    conn.execute("PRAGMA analysis_limit = 1000")
    conn.execute("ANALYZE")
    # A sandbox's own rows (<name>_live) are few when a scenario is seeded, often none, so ANALYZE leaves them
    # without statistics and lookups there would walk the sandbox's primary-key range too. They have the same
    # shape as the base rows: give each live index its base twin's statistics where it has none of its own.
    conn.execute(
        "INSERT INTO sqlite_stat1 (tbl, idx, stat) "
        "SELECT replace(tbl, '_base', '_live'), replace(idx, '_base', '_live'), stat FROM sqlite_stat1 AS b "
        "WHERE b.tbl LIKE '%\\_base' ESCAPE '\\' AND NOT EXISTS "
        "(SELECT 1 FROM sqlite_stat1 AS l WHERE l.tbl = replace(b.tbl, '_base', '_live'))"
    )
    conn.execute("ANALYZE sqlite_schema")  # reload the statistics just written


def stored_scenarios(conn: sqlite3.Connection) -> list[tuple[str, str, bytes]]:
    return [(r[0], r[1], r[2]) for r in conn.execute("SELECT id, source, doc FROM scenarios")]


def list_sandboxes(conn: sqlite3.Connection) -> list[SandboxRow]:
    rows = conn.execute("SELECT name, scenario, created_at FROM sandboxes ORDER BY created_at, name")
    return [SandboxRow(*r) for r in rows]


def create(conn: sqlite3.Connection, name: str, scenario: str) -> SandboxRow:
    row = SandboxRow(name, scenario, _now())
    try:
        conn.execute(
            "INSERT INTO sandboxes (name, scenario, created_at) VALUES (?, ?, ?)",
            (row.name, row.scenario, row.created_at),
        )
    except sqlite3.IntegrityError as exc:
        raise SandboxExists(name) from exc
    return row


def reset(conn: sqlite3.Connection, name: str) -> None:
    for table in LAYERED:
        table.reset(conn, name)
    for table_name in APPENDED:
        conn.execute(f"DELETE FROM {table_name} WHERE sandbox = ?", (name,))


def rebase(conn: sqlite3.Connection, name: str, scenario: str) -> None:
    reset(conn, name)
    conn.execute("UPDATE sandboxes SET scenario = ? WHERE name = ?", (scenario, name))


def delete(conn: sqlite3.Connection, name: str, keep: frozenset[str]) -> None:
    """Remove a sandbox; its scenario's base rows go too once no sandbox uses them (unless kept)."""
    row = conn.execute("SELECT scenario FROM sandboxes WHERE name = ?", (name,)).fetchone()
    if row is None:
        return
    reset(conn, name)
    conn.execute("DELETE FROM sandboxes WHERE name = ?", (name,))
    scenario = row[0]
    if scenario in keep or conn.execute("SELECT 1 FROM sandboxes WHERE scenario = ?", (scenario,)).fetchone():
        return
    for table in LAYERED:
        table.drop_scenario(conn, scenario)
    conn.execute("DELETE FROM scenarios WHERE id = ?", (scenario,))
