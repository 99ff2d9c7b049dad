"""A vendor's part of the store, as the core sees it: its tables and how a scenario seeds them. The store's core
(store/sandboxes.py) creates, seeds, resets and drops every part alike, without knowing which vendor it serves."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from simulator.scenarios.loaded import LoadedScenario
from simulator.store.layered import LayeredTable


def _nothing(conn: sqlite3.Connection, scenario: LoadedScenario) -> int:
    return 0


@dataclass(frozen=True)
class StorePart:
    # Tables a scenario seeds and a sandbox changes (base rows per scenario, live rows per sandbox).
    tables: tuple[LayeredTable, ...] = ()
    # Tables of rows a sandbox appends (logs, events, notifications): a `sandbox` column; reset deletes them.
    sandbox_tables: tuple[str, ...] = ()
    ddl: str = ""  # creates sandbox_tables (IF NOT EXISTS)
    # Writes a scenario's base rows for the part's tables; returns how many.
    seed: Callable[[sqlite3.Connection, LoadedScenario], int] = _nothing


@dataclass(frozen=True)
class Schema:
    """Every registered vendor's part together."""

    parts: tuple[StorePart, ...]

    @classmethod
    def of(cls, parts: Sequence[StorePart]) -> Schema:
        return cls(tuple(parts))

    @property
    def layered(self) -> tuple[LayeredTable, ...]:
        return tuple(t for p in self.parts for t in p.tables)

    @property
    def appended(self) -> tuple[str, ...]:
        return tuple(t for p in self.parts for t in p.sandbox_tables)

    def upgrade(self, conn: sqlite3.Connection) -> None:
        """Before ddl() on a --db file an older version wrote: its layered tables get the columns added since."""
        for table in self.layered:
            table.upgrade(conn)

    def ddl(self) -> str:
        return "\n".join([*(t.ddl() for t in self.layered), *(p.ddl for p in self.parts)])
