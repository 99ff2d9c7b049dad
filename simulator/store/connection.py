"""The simulator's one SQLite connection, and how work reaches it.

A request here is one *unit of work*: a plain function of a ``sqlite3.Connection`` that runs as one
``BEGIN IMMEDIATE`` transaction, so every read-modify-write (``adjust_by``, batch uploads) is atomic.

Where a unit runs is a measured choice (``make bench``). A request's unit takes tens of microseconds, while handing
it to aiosqlite's thread and back costs more than that and, under load, waits for the GIL: so ``run`` executes it
on the event loop's thread, where units cannot interleave (each runs to completion without awaiting). Units that can
take long enough to stall other requests (seeding a 100k-product catalog, dumping state) go through
``run_in_thread`` on aiosqlite's thread; while one is in flight, ``run`` waits for it, so the connection is never
used by two units at once.
"""

from __future__ import annotations

import asyncio
import contextvars
import sqlite3
from collections.abc import Callable
from pathlib import Path
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
    """Owns the connection; ``run``/``run_in_thread`` execute a unit of work atomically."""

    def __init__(self, conn: aiosqlite.Connection, path: str | None) -> None:
        self._conn = conn
        # The sqlite3 connection itself, which units on the loop's thread use: aiosqlite's own ``_conn`` is a
        # property that checks the connection is open on every read (the store closes it only when the app ends).
        self._raw: sqlite3.Connection = conn._conn
        self.path = path
        self._thread_unit = asyncio.Lock()  # held while a unit runs on aiosqlite's thread

    @classmethod
    async def open(cls, path: str | None, ddl: str, upgrade: Work[None] | None = None) -> Store:
        """``upgrade`` runs before ``ddl`` on an existing file: what an older version wrote, brought up to date."""
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so the sqlite3 module never opens hidden ones.
        # check_same_thread=False: units run on the loop's thread and on aiosqlite's, never at the same time.
        conn = await aiosqlite.connect(path or ":memory:", isolation_level=None, check_same_thread=False)
        store = cls(conn, path)
        try:
            await store.run_in_thread(lambda c: _configure(c, path is not None, ddl, upgrade), transaction=False)
        except BaseException:
            # aiosqlite's thread is not a daemon: a connection left open here keeps the process alive after the
            # failure is reported (a server that neither serves nor exits, so no supervisor restarts it).
            await conn.close()
            raise
        return store

    async def run(self, work: Work[T], *, one_write: bool = False) -> T:
        """A request-sized unit, on the event loop's thread.

        ``one_write``: the unit changes the store by one statement at most, its last (a read-modify-write of one
        row). In memory it runs without ``BEGIN IMMEDIATE`` and ``COMMIT`` (two statements: 10k instructions of a
        MerchantPro PATCH, measured when it took 437k): SQLite applies that statement whole or not at all, and
        nothing can come between the unit's reads and its write, neither another unit (each runs to completion on
        this thread) nor another connection (an in-memory database has only this one). A ``--db`` file could be
        opened by another process meanwhile: there it stays a transaction."""
        alone = one_write and self.path is None
        if self._thread_unit.locked():
            async with self._thread_unit:
                return work(self._raw) if alone else _transaction(self._raw, work)
        return work(self._raw) if alone else _transaction(self._raw, work)

    async def read(self, work: Work[T]) -> T:
        """A request-sized unit that only reads, on the event loop's thread, outside a transaction: units never
        interleave on this one connection, so its SELECTs see one state without BEGIN and COMMIT around them (two
        statements, and the write lock of BEGIN IMMEDIATE, that a lookup does not need)."""
        if self._thread_unit.locked():
            async with self._thread_unit:
                return work(self._raw)
        return work(self._raw)

    async def run_in_thread(self, work: Work[T], *, transaction: bool = True) -> T:
        """A unit that may take long (bulk seeding, large reads), on aiosqlite's thread."""
        async with self._thread_unit:
            return cast(T, await self._call(_transaction, work) if transaction else await self._call(work))

    async def close(self) -> None:
        async with self._thread_unit:
            await self._conn.close()

    async def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        # aiosqlite has no public "run this function on the connection thread"; _execute is the method all its
        # public calls use. The version range in pyproject.toml pins the aiosqlite this was checked against.
        # The caller's context goes along (contextvars do not cross threads by themselves): a long unit reports its
        # progress to whoever started it (simulator/progress.py).
        context = contextvars.copy_context()

        def bound() -> Any:
            return context.run(fn, self._raw, *args)

        return await self._conn._execute(bound)  # type: ignore[no-untyped-call]


def _configure(conn: sqlite3.Connection, on_disk: bool, ddl: str, upgrade: Work[None] | None) -> None:
    if on_disk:
        # WAL + synchronous=NORMAL: a committed transaction survives the process being killed (it is in the
        # OS's page cache), which is what --db promises; only a power cut could lose the last commits.
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    if upgrade is not None:
        upgrade(conn)
    conn.executescript(ddl)


class UnusableDatabase(Exception):
    """A --db file the server cannot use; the message says what is wrong and what to do."""


def check(path: str) -> None:
    """Prove, before serving, that ``path`` is a sound SQLite file the server can write (or can create).

    ``PRAGMA quick_check`` reads every page, so a truncated or overwritten file is refused here rather than failing
    requests later; ``BEGIN IMMEDIATE`` takes the write lock, which a read-only file or folder refuses.
    """
    if Path(path).is_dir():
        raise UnusableDatabase(f"--db {path} is a folder: name a file in it, such as {Path(path) / 'stocksim.db'}")
    try:
        conn = sqlite3.connect(path, isolation_level=None)
    except sqlite3.Error as exc:
        raise UnusableDatabase(
            f"cannot open --db {path} ({exc}): check that its folder exists and is writable"
        ) from exc
    try:
        problems = [" ".join(str(row[0]).split()) for row in conn.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            more = f", and {len(problems) - 1} more problems" if problems[1:] else ""
            raise sqlite3.DatabaseError(f"{problems[0]}{more}")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise UnusableDatabase(
            f"--db {path} is not a sound SQLite database ({exc}): restore it from a backup, or move it aside to start "
            "afresh"
        ) from exc
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        raise UnusableDatabase(
            f"cannot write to --db {path} ({exc}): check the file's and its folder's permissions, and that no other "
            "process holds it"
        ) from exc
    finally:
        conn.close()
