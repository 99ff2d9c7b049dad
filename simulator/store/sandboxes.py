"""Scenarios and sandboxes as rows: which scenarios are seeded, which sandboxes exist and what they are built on.

A sandbox row carries its *incarnation*: an id made each time a sandbox is created, and the key of every row the
sandbox owns (``World.sandbox``). A name can be deleted and created again; an incarnation never comes back, so a
write that began against an earlier sandbox of the same name can be told apart (``guarded``) and its rows can
never be seen by the new one.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime

import msgspec

from simulator.scenarios.loaded import LoadedScenario
from simulator.store.connection import T, Work
from simulator.store.part import Schema

CORE_DDL = """
CREATE TABLE IF NOT EXISTS scenarios (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, source TEXT NOT NULL, doc BLOB NOT NULL, seeded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sandboxes (
    name TEXT PRIMARY KEY, scenario TEXT NOT NULL REFERENCES scenarios (id), created_at TEXT NOT NULL,
    incarnation TEXT NOT NULL UNIQUE, runtime BLOB
);
"""


def ddl(schema: Schema) -> str:
    return "\n".join([CORE_DDL, schema.ddl()])


class SandboxExists(Exception):
    pass


class SandboxGone(Exception):
    """The incarnation a unit of work was meant for no longer exists: its sandbox was deleted (and maybe created
    again under the same name) after the request resolved it."""

    def __init__(self, incarnation: str) -> None:
        super().__init__(f"sandbox incarnation {incarnation!r} no longer exists")
        self.incarnation = incarnation


class SandboxRow(msgspec.Struct, frozen=True):
    name: str
    scenario: str
    created_at: str
    incarnation: str
    runtime: bytes | None = None  # the clock and fault rules, as simulator/sandboxes.py encodes them; None: fresh


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def migrate(conn: sqlite3.Connection) -> None:
    """Bring a --db file written before incarnations existed up to date: its sandboxes' rows are keyed by their
    names, so each name becomes its sandbox's incarnation (new incarnations contain a ``~``, which names cannot)."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(sandboxes)")}
    if "incarnation" not in columns:
        conn.execute("ALTER TABLE sandboxes ADD COLUMN incarnation TEXT NOT NULL DEFAULT ''")
        conn.execute("UPDATE sandboxes SET incarnation = name")
        conn.execute("CREATE UNIQUE INDEX IF NOT EXISTS sandboxes_incarnation ON sandboxes (incarnation)")
    if "runtime" not in columns:
        conn.execute("ALTER TABLE sandboxes ADD COLUMN runtime BLOB")


def ensure_scenario(conn: sqlite3.Connection, scenario: LoadedScenario, schema: Schema) -> int | None:
    """Seed a scenario's base rows unless an identical scenario is already stored; returns the rows seeded."""
    if conn.execute("SELECT 1 FROM scenarios WHERE id = ?", (scenario.id,)).fetchone():
        return None
    seeded = sum(int(part.seed(conn, scenario)) for part in schema.parts)
    conn.execute(
        "INSERT INTO scenarios (id, name, source, doc, seeded_at) VALUES (?, ?, ?, ?, ?)",
        (scenario.id, scenario.spec.name, scenario.source, scenario.to_json(), _now()),
    )
    refresh_statistics(conn, schema)
    return seeded


def refresh_statistics(conn: sqlite3.Connection, schema: Schema) -> None:
    """Give the query planner row statistics. Without them SQLite walks a layered table's primary-key range for a
    shop (every product) instead of the (shop, sku) index: a lookup by SKU took 25 ms at 100k products instead of
    0.02 ms. analysis_limit samples each index, so this costs about the same at 1k or 1M rows."""
    conn.execute("PRAGMA analysis_limit = 1000")
    conn.execute("ANALYZE")
    # Tables that were empty (a sandbox's own rows when a scenario is seeded, a vendor the scenario leaves out) get
    # no statistics, and the planner would then walk their primary-key range once they fill up. Give every index
    # of theirs the shape the lookups are designed for: many rows, each identifier column narrowing them to one.
    have = {(r[0], r[1]) for r in conn.execute("SELECT tbl, idx FROM sqlite_stat1")}
    missing = [
        (table, index, _designed_stat(len(columns)))
        for layered in schema.layered
        for table, index, columns in layered.indexes_by_name()
        if (table, index) not in have
    ]
    conn.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", missing)
    conn.execute("ANALYZE sqlite_schema")  # reload the statistics just written


def _designed_stat(columns: int, rows: int = 1_000_000) -> str:
    """sqlite_stat1's "rows, then rows per distinct prefix" for an index whose last column is an identifier."""
    per_prefix = [max(1, rows // 10 ** (i + 1)) for i in range(columns - 1)] + [1]
    return " ".join(str(n) for n in [rows, *per_prefix])


def scenario_name(conn: sqlite3.Connection, scenario: str) -> str:
    row = conn.execute("SELECT name FROM scenarios WHERE id = ?", (scenario,)).fetchone()
    return str(row[0]) if row else "?"


def stored_scenarios(conn: sqlite3.Connection) -> list[tuple[str, str, bytes]]:
    return [(r[0], r[1], r[2]) for r in conn.execute("SELECT id, source, doc FROM scenarios")]


_COLUMNS = "name, scenario, created_at, incarnation, runtime"


def list_sandboxes(conn: sqlite3.Connection) -> list[SandboxRow]:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM sandboxes ORDER BY created_at, name")
    return [SandboxRow(*r) for r in rows]


def find(conn: sqlite3.Connection, name: str) -> SandboxRow | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM sandboxes WHERE name = ?", (name,)).fetchone()
    return SandboxRow(*row) if row else None


def create(conn: sqlite3.Connection, name: str, scenario: str) -> SandboxRow:
    row = SandboxRow(name, scenario, _now(), f"{name}~{secrets.token_hex(8)}")
    try:
        conn.execute(
            "INSERT INTO sandboxes (name, scenario, created_at, incarnation) VALUES (?, ?, ?, ?)",
            (row.name, row.scenario, row.created_at, row.incarnation),
        )
    except sqlite3.IntegrityError as exc:
        raise SandboxExists(name) from exc
    return row


def check_alive(conn: sqlite3.Connection, incarnation: str) -> None:
    if conn.execute("SELECT 1 FROM sandboxes WHERE incarnation = ?", (incarnation,)).fetchone() is None:
        raise SandboxGone(incarnation)


def guarded(incarnation: str, work: Work[T]) -> Work[T]:
    """``work``, run only if the incarnation still exists: checked in the same transaction, so a sandbox deleted
    at any moment before it takes none of this unit's writes, and no later sandbox of the same name does either."""

    def unit(conn: sqlite3.Connection) -> T:
        check_alive(conn, incarnation)
        return work(conn)

    return unit


def reset(conn: sqlite3.Connection, incarnation: str, schema: Schema) -> None:
    """Back to the scenario: the sandbox's own rows go, and its saved clock and fault rules with them."""
    check_alive(conn, incarnation)
    _wipe(conn, incarnation, schema)
    conn.execute("UPDATE sandboxes SET runtime = NULL WHERE incarnation = ?", (incarnation,))


def rebase(conn: sqlite3.Connection, incarnation: str, scenario: str, schema: Schema) -> None:
    reset(conn, incarnation, schema)
    conn.execute("UPDATE sandboxes SET scenario = ? WHERE incarnation = ?", (scenario, incarnation))


def delete(conn: sqlite3.Connection, incarnation: str, keep: frozenset[str], schema: Schema) -> bool:
    """Remove a sandbox and every row it owns (False if it is already gone); its scenario's base rows go too once
    no sandbox uses them (unless kept)."""
    row = conn.execute("SELECT scenario FROM sandboxes WHERE incarnation = ?", (incarnation,)).fetchone()
    if row is None:
        return False
    _wipe(conn, incarnation, schema)
    conn.execute("DELETE FROM sandboxes WHERE incarnation = ?", (incarnation,))
    drop_unused_scenarios(conn, keep, schema, [row[0]])
    return True


def drop_unused_scenarios(
    conn: sqlite3.Connection, keep: frozenset[str], schema: Schema, among: Iterable[str] | None = None
) -> int:
    """Drop the base rows of scenarios no sandbox is built on (of ``among``, or all), except those kept."""
    if among is None:
        among = [r[0] for r in conn.execute("SELECT id FROM scenarios")]
    dropped = 0
    for scenario in among:
        if scenario in keep or conn.execute("SELECT 1 FROM sandboxes WHERE scenario = ?", (scenario,)).fetchone():
            continue
        for table in schema.layered:
            table.drop_scenario(conn, scenario)
        conn.execute("DELETE FROM scenarios WHERE id = ?", (scenario,))
        dropped += 1
    return dropped


def save_runtime(conn: sqlite3.Connection, states: list[tuple[str, bytes]]) -> None:
    """Each incarnation's clock and fault rules; one that is gone meanwhile is skipped (its row matches nothing)."""
    conn.executemany("UPDATE sandboxes SET runtime = ? WHERE incarnation = ?", [(s, i) for i, s in states])


def _wipe(conn: sqlite3.Connection, incarnation: str, schema: Schema) -> None:
    for table in schema.layered:
        table.reset(conn, incarnation)
    for table_name in schema.appended:
        conn.execute(f"DELETE FROM {table_name} WHERE sandbox = ?", (incarnation,))
