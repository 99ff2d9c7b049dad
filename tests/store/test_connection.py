"""Units of work: atomic, rolled back on error, and never interleaved between the loop and aiosqlite's thread;
opening a --db file: checked before serving, and a failed open leaves nothing running."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import anyio
import pytest

from simulator.store.connection import Store, UnusableDatabase, check

pytestmark = pytest.mark.anyio
DDL = "CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL);"


async def test_a_failing_unit_is_rolled_back() -> None:
    store = await Store.open(None, DDL)

    def half_then_fail(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO t VALUES ('a', 1)")
        raise ValueError("boom")

    with pytest.raises(ValueError):
        await store.run(half_then_fail)
    with pytest.raises(ValueError):
        await store.run_in_thread(half_then_fail)
    assert await store.run(lambda c: c.execute("SELECT count(*) FROM t").fetchone()[0]) == 0
    await store.close()


async def test_a_read_takes_no_write_lock(tmp_path: Path) -> None:
    """A lookup (Store.read) runs outside a transaction: while another connection holds the write lock, reads still
    answer (a unit under BEGIN IMMEDIATE would wait for the lock)."""
    path = tmp_path / "db.sqlite"
    store = await Store.open(str(path), DDL)
    await store.run(lambda c: c.execute("INSERT INTO t VALUES ('a', 1)"))
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert await store.read(lambda c: c.execute("SELECT v FROM t WHERE k = 'a'").fetchone()[0]) == 1
    finally:
        other.execute("ROLLBACK")
        other.close()
    try:
        assert await store.read(lambda c: c.in_transaction) is False
        assert await store.run(lambda c: c.in_transaction) is True
    finally:
        await store.close()


async def test_loop_units_wait_for_a_thread_unit_in_flight() -> None:
    store = await Store.open(None, DDL)
    await store.run(lambda c: c.execute("INSERT INTO t VALUES ('n', 0)"))
    started = threading.Event()
    order: list[str] = []

    def slow_bulk(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE t SET v = v + 100")
        started.set()
        time.sleep(0.2)  # a long unit on aiosqlite's thread, transaction open
        order.append("bulk")

    def quick(conn: sqlite3.Connection) -> int:
        order.append("quick")
        conn.execute("UPDATE t SET v = v + 1")
        value: int = conn.execute("SELECT v FROM t").fetchone()[0]
        return value

    results: list[int] = []
    async with anyio.create_task_group() as tg:
        tg.start_soon(store.run_in_thread, slow_bulk)
        while not started.is_set():
            await anyio.sleep(0.001)

        async def later() -> None:
            results.append(await store.run(quick))

        tg.start_soon(later)
    assert order == ["bulk", "quick"]
    assert results == [101]
    await store.close()


async def test_a_failed_open_leaves_no_thread_behind(tmp_path: Path) -> None:
    # aiosqlite's thread is not a daemon: left running, it would keep a process that failed to start alive.
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"garbage " * 1000)
    before = set(threading.enumerate())
    with pytest.raises(sqlite3.DatabaseError):
        await Store.open(str(garbage), DDL)
    deadline = time.monotonic() + 5
    while [t for t in set(threading.enumerate()) - before if t.is_alive() and not t.daemon]:
        assert time.monotonic() < deadline, "the connection's thread is still running"
        await anyio.sleep(0.01)


def healthy(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(DDL)
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(f"k{i:05d}", i) for i in range(20_000)])
    conn.commit()
    conn.close()
    return path


def test_check_passes_a_sound_file_and_a_new_one(tmp_path: Path) -> None:
    check(str(healthy(tmp_path / "sound.db")))
    check(str(tmp_path / "new.db"))


@pytest.mark.parametrize(
    ("spoil", "says"),
    [
        (lambda data: b"garbage " * 1000, "not a sound SQLite database"),
        (lambda data: data[: len(data) // 2], "not a sound SQLite database"),
        (lambda data: data[:8192] + bytes(4096) + data[12288:], "not a sound SQLite database"),
    ],
    ids=["garbage", "cut in half", "a page zeroed"],
)
def test_check_refuses_a_damaged_file(tmp_path: Path, spoil: Callable[[bytes], bytes], says: str) -> None:
    path = healthy(tmp_path / "state.db")
    path.write_bytes(spoil(path.read_bytes()))
    with pytest.raises(UnusableDatabase, match=says) as caught:
        check(str(path))
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)


def test_check_refuses_what_cannot_be_opened(tmp_path: Path) -> None:
    with pytest.raises(UnusableDatabase, match="is a folder"):
        check(str(tmp_path))
    with pytest.raises(UnusableDatabase, match="cannot open"):
        check(str(tmp_path / "missing" / "state.db"))


def test_check_refuses_a_file_it_cannot_write(tmp_path: Path) -> None:
    path = healthy(tmp_path / "state.db")
    path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        if os.access(path, os.W_OK):
            pytest.skip("this user may write read-only files (root)")
        with pytest.raises(UnusableDatabase, match="cannot write"):
            check(str(path))
    finally:
        tmp_path.chmod(0o755)


async def test_a_one_write_unit_runs_bare_in_memory_and_as_a_transaction_on_disk(tmp_path: Path) -> None:
    """In memory nothing can come between a unit's reads and its one write (no other connection, no other unit
    meanwhile), so it needs no BEGIN and COMMIT; a --db file could be opened by another process, so there it keeps
    its transaction. Either way its write lands, and a unit that fails before writing leaves nothing."""

    def bump(conn: sqlite3.Connection) -> bool:
        (value,) = conn.execute("SELECT v FROM t WHERE k = 'n'").fetchone()
        conn.execute("UPDATE t SET v = ? WHERE k = 'n'", (value + 1,))
        return conn.in_transaction

    def fail_first(conn: sqlite3.Connection) -> None:
        conn.execute("SELECT v FROM t").fetchall()
        raise ValueError("refused before writing")

    for path, in_transaction in ((None, False), (str(tmp_path / "db.sqlite"), True)):
        store = await Store.open(path, DDL)
        try:
            await store.run(lambda c: c.execute("INSERT INTO t VALUES ('n', 0)"))
            assert await store.run(bump, one_write=True) is in_transaction
            assert await store.run(bump) is True, "without one_write, always a transaction"
            with pytest.raises(ValueError):
                await store.run(fail_first, one_write=True)
            assert await store.read(lambda c: c.execute("SELECT v FROM t").fetchone()[0]) == 2
            assert await store.read(lambda c: c.in_transaction) is False
        finally:
            await store.close()
