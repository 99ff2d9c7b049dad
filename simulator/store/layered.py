"""Copy-on-write tables: a scenario's pristine rows shared by every sandbox, and each sandbox's own changes.

Each layered table is two SQLite tables: ``<name>_base`` holds the rows a scenario defines, keyed by scenario
id, and ``<name>_live`` holds the rows a sandbox has written (or deleted: ``gone = 1``), keyed by sandbox. A
sandbox sees its live rows, and the base rows it has not overwritten. Creating a sandbox therefore copies
nothing, and resetting one deletes only what it changed: both are independent of the catalog's size.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class World(NamedTuple):
    """Which sandbox a unit of work reads and writes, and the scenario its pristine rows come from. A named tuple
    (every vendor request makes one): a frozen dataclass's __init__ sets each field through object.__setattr__."""

    sandbox: str
    scenario: str


@dataclass(frozen=True, slots=True)
class Lookup:
    sql: str

    def __call__(self, conn: sqlite3.Connection, world: World, *values: Any) -> list[tuple[Any, ...]]:
        return conn.execute(self.sql, (*world, *values)).fetchall()


UPDATES_KEPT = 64


@dataclass(frozen=True)
class LayeredTable:
    name: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...] = ()
    # put()'s UPDATE statements by the positions of the columns they set. A plain dict, not lru_cache: that hashes
    # the (frozen dataclass) table on every call, all its names and columns.
    _updates: dict[tuple[int, ...], str] = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def all_columns(self) -> tuple[str, ...]:
        return self.key + self.columns

    def ddl(self) -> str:
        cols = ", ".join(self.all_columns)
        key = ", ".join(self.key)
        parts = [
            f"CREATE TABLE IF NOT EXISTS {self.name}_base (scenario TEXT NOT NULL, {cols}, "
            f"PRIMARY KEY (scenario, {key})) WITHOUT ROWID;",
            f"CREATE TABLE IF NOT EXISTS {self.name}_live (sandbox TEXT NOT NULL, {cols}, gone INTEGER NOT NULL "
            f"DEFAULT 0, PRIMARY KEY (sandbox, {key})) WITHOUT ROWID;",
        ]
        for index in self.indexes:
            suffix = "_".join(index)
            icols = ", ".join(index)
            parts.append(
                f"CREATE INDEX IF NOT EXISTS {self.name}_base_{suffix} ON {self.name}_base (scenario, {icols});"
            )
            parts.append(
                f"CREATE INDEX IF NOT EXISTS {self.name}_live_{suffix} ON {self.name}_live (sandbox, {icols});"
            )
        return "\n".join(parts)

    def upgrade(self, conn: sqlite3.Connection) -> None:
        """Columns added since a --db file was written: its tables get them (NULL in the rows already there, as a
        scenario that leaves the field out has), so that ddl()'s indexes over them can be made and the file opens."""
        for side in ("base", "live"):
            have = {row[1] for row in conn.execute(f"PRAGMA table_info({self.name}_{side})")}
            if not have:
                continue  # not made yet: ddl() makes it whole
            for column in self.columns:
                if column not in have:
                    conn.execute(f"ALTER TABLE {self.name}_{side} ADD COLUMN {column}")

    def indexes_by_name(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """(table, index, columns) of every index ddl() makes, the primary keys included, as sqlite_stat1 names
        them."""
        found: list[tuple[str, str, tuple[str, ...]]] = []
        for side, owner in (("base", "scenario"), ("live", "sandbox")):
            table = f"{self.name}_{side}"
            found.append((table, f"sqlite_autoindex_{table}_1", (owner, *self.key)))
            for index in self.indexes:
                found.append((table, f"{self.name}_{side}_{'_'.join(index)}", (owner, *index)))
        return found

    @functools.lru_cache(maxsize=256)  # noqa: B019 - tables are a few module constants; queries are fixed strings
    def select_sql(
        self, where: str = "1", tail: str = "", sandbox: str = ":sandbox", scenario: str = ":scenario"
    ) -> str:
        """A query over what the sandbox sees. ``where`` names columns unqualified and uses named parameters;
        the query itself binds ``:sandbox`` and ``:scenario`` (or the parameters named). ``tail`` is an ORDER BY /
        LIMIT clause."""
        cols = ", ".join(self.all_columns)
        shadow = " AND ".join(f"l.{k} = b.{k}" for k in self.key)
        return (
            f"SELECT {cols} FROM {self.name}_live WHERE sandbox = {sandbox} AND gone = 0 AND ({where}) "
            f"UNION ALL SELECT {cols} FROM {self.name}_base AS b WHERE scenario = {scenario} AND ({where}) "
            f"AND NOT EXISTS (SELECT 1 FROM {self.name}_live AS l WHERE l.sandbox = {sandbox} AND {shadow}) {tail}"
        )

    def lookup(self, where: str, tail: str = "") -> Lookup:
        """One query shape a request runs, made once: ``where`` takes its values as ``?3``, ``?4``, ... (``?1`` and
        ``?2`` are the sandbox and the scenario). Bound by position, with no per-call string or dict work."""
        return Lookup(self.select_sql(where, tail, sandbox="?1", scenario="?2"))

    def select(
        self,
        conn: sqlite3.Connection,
        world: World,
        where: str = "1",
        params: dict[str, Any] | None = None,
        tail: str = "",
    ) -> list[tuple[Any, ...]]:
        bound = {"sandbox": world.sandbox, "scenario": world.scenario, **(params or {})}
        return conn.execute(self.select_sql(where, tail), bound).fetchall()

    def count(
        self, conn: sqlite3.Connection, world: World, where: str = "1", params: dict[str, Any] | None = None
    ) -> int:
        bound = {"sandbox": world.sandbox, "scenario": world.scenario, **(params or {})}
        row = conn.execute(f"SELECT count(*) FROM ({self.select_sql(where)})", bound).fetchone()
        return int(row[0])

    @functools.cached_property
    def _put_sql(self) -> str:
        cols = ", ".join(self.all_columns)
        marks = ", ".join("?" for _ in range(len(self.all_columns) + 1))
        return f"INSERT OR REPLACE INTO {self.name}_live (sandbox, {cols}, gone) VALUES ({marks}, 0)"

    def put(self, conn: sqlite3.Connection, world: World, row: Sequence[Any], before: Sequence[Any] = ()) -> None:
        """Write one whole row: one ``execute``, not ``executemany``'s iterator machinery, on a request's path.

        ``before``, the row as the sandbox saw it (same key, same columns), makes it a change: only the columns that
        differ are written, in place, when the sandbox already has its own copy of the row. That ``UPDATE`` took
        21k instructions where ``INSERT OR REPLACE`` took 51k (which deletes and inserts the row and each index's
        entry, and binds every ``None``: sqlite3 probes ``__adapt__`` and ``__conform__`` on each). A row the
        sandbox has not written yet (the ``UPDATE`` finds nothing) is inserted whole, as without ``before``."""
        width = len(self.key)
        if before and before[:width] == row[:width]:
            changed = tuple([i for i in range(width, len(row)) if row[i] != before[i]])
            if not changed:
                return
            sql = self._updates.get(changed) or self._update_sql(changed)
            if conn.execute(sql, (*[row[i] for i in changed], world.sandbox, *row[:width])).rowcount:
                return
        conn.execute(self._put_sql, (world.sandbox, *row))

    def _update_sql(self, changed: tuple[int, ...]) -> str:
        """``changed``: positions in ``all_columns`` (never a key column). Kept per set of positions: in practice
        the few sets a vendor's changes touch; since requests choose which fields change, at most UPDATES_KEPT sets
        a table, and any others are made each time."""
        columns = self.all_columns
        assignments = ", ".join(f"{columns[i]} = ?" for i in changed)
        key = " AND ".join(f"{k} = ?" for k in self.key)
        sql = f"UPDATE {self.name}_live SET {assignments} WHERE sandbox = ? AND {key} AND gone = 0"
        if len(self._updates) < UPDATES_KEPT:
            self._updates[changed] = sql
        return sql

    def put_many(self, conn: sqlite3.Connection, world: World, rows: Iterable[Sequence[Any]]) -> None:
        """Write whole rows (key columns first, then value columns) into the sandbox."""
        conn.executemany(self._put_sql, ((world.sandbox, *row) for row in rows))

    def delete_many(self, conn: sqlite3.Connection, world: World, keys: Iterable[Sequence[Any]]) -> None:
        """Remove rows from the sandbox's view; a tombstone hides the base row, if there is one."""
        key = ", ".join(self.key)
        marks = ", ".join("?" for _ in range(len(self.key) + 1))
        conn.executemany(
            f"INSERT OR REPLACE INTO {self.name}_live (sandbox, {key}, gone) VALUES ({marks}, 1)",
            ((world.sandbox, *k) for k in keys),
        )

    def seed(self, conn: sqlite3.Connection, scenario: str, rows: Iterable[Sequence[Any]]) -> None:
        cols = ", ".join(self.all_columns)
        marks = ", ".join("?" for _ in range(len(self.all_columns) + 1))
        conn.executemany(
            f"INSERT INTO {self.name}_base (scenario, {cols}) VALUES ({marks})", ((scenario, *row) for row in rows)
        )

    def reset(self, conn: sqlite3.Connection, sandbox: str) -> None:
        conn.execute(f"DELETE FROM {self.name}_live WHERE sandbox = ?", (sandbox,))

    def drop_scenario(self, conn: sqlite3.Connection, scenario: str) -> None:
        conn.execute(f"DELETE FROM {self.name}_base WHERE scenario = ?", (scenario,))
