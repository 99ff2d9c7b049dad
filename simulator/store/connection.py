"""The simulator's one SQLite connection, and how work reaches it.

aiosqlite gives the connection a thread of its own fed by a queue, and every call is a hop onto that thread.
A request here is one *unit of work*: a plain function of a ``sqlite3.Connection`` that runs on that thread as
one ``BEGIN IMMEDIATE`` transaction. That makes every read-modify-write (``adjust_by``, batch uploads) atomic
without an asyncio lock (the thread runs one unit at a time), and costs one hop per request instead of one per
statement.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar, cast

import aiosqlite

T = TypeVar("T")
Work = Callable[[sqlite3.Connection], T]


def _transaction(conn: sqlite3.Connection, work: Work[T]) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


class Store:
    """Owns the connection; ``run`` executes a unit of work atomically on the connection's thread."""

    def __init__(self, conn: aiosqlite.Connection, path: str | None) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    async def open(cls, path: str | None, ddl: str) -> Store:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so the sqlite3 module never opens hidden ones.
        conn = await aiosqlite.connect(path or ":memory:", isolation_level=None)
        store = cls(conn, path)
        await store._call(_configure, path is not None, ddl)
        return store

    async def run(self, work: Work[T]) -> T:
        return cast(T, await self._call(_transaction, work))

    async def close(self) -> None:
        await self._conn.close()

    async def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        # aiosqlite has no public "run this function on the connection thread"; _execute is the method all its
        # public calls use. The version range in pyproject.toml pins the aiosqlite this was checked against.
        def bound() -> Any:
            return fn(self._conn._conn, *args)

        return await self._conn._execute(bound)  # type: ignore[no-untyped-call]


def _configure(conn: sqlite3.Connection, on_disk: bool, ddl: str) -> None:
    if on_disk:
        # WAL + synchronous=NORMAL: a committed transaction survives the process being killed (it is in the
        # OS's page cache), which is what --db promises; only a power cut could lose the last commits.
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.executescript(ddl)
