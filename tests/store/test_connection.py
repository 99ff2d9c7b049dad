"""Units of work: atomic, rolled back on error, and never interleaved between the loop and aiosqlite's thread."""

from __future__ import annotations

import sqlite3
import threading
import time

import anyio
import pytest

from simulator.store.connection import Store

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
