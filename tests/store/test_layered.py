"""Copy-on-write tables at the SQL level: what a sandbox sees, tombstones, reset, and that create/reset copy nothing."""

from __future__ import annotations

import sqlite3

from simulator.store.layered import UPDATES_KEPT, LayeredTable, World

T = LayeredTable("t", key=("acct", "k"), columns=("v",), indexes=(("v",),))
A, B = World("a", "s1"), World("b", "s1")


def db() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.executescript(T.ddl())
    T.seed(conn, "s1", [("x", i, i * 10) for i in range(100)])
    T.seed(conn, "s2", [("x", 1, -1)])
    return conn


def test_a_sandbox_sees_base_rows_overlaid_by_its_own() -> None:
    conn = db()
    T.put_many(conn, A, [("x", 1, 999), ("x", 500, 5)])
    T.delete_many(conn, A, [("x", 2)])
    seen = dict((r[1], r[2]) for r in T.select(conn, A, "acct = :a", {"a": "x"}))
    assert seen[1] == 999 and seen[500] == 5 and 2 not in seen and seen[3] == 30
    assert T.count(conn, A) == 100  # 100 base - 1 deleted + 1 new
    assert dict((r[1], r[2]) for r in T.select(conn, B))[1] == 10, "b does not see a's writes"
    assert T.select(conn, World("c", "s2")) == [("x", 1, -1)]


def test_filters_apply_to_both_layers() -> None:
    conn = db()
    T.put_many(conn, A, [("x", 1, 55)])
    assert [r[1] for r in T.select(conn, A, "v >= 50 AND v < 60")] == [1, 5]


def test_reset_removes_only_the_sandboxes_own_rows() -> None:
    conn = db()
    T.put_many(conn, A, [("x", 1, 999)])
    T.put_many(conn, B, [("x", 1, 888)])
    T.reset(conn, "a")
    assert conn.execute("SELECT count(*) FROM t_live").fetchone()[0] == 1
    assert dict((r[1], r[2]) for r in T.select(conn, A))[1] == 10


def test_queries_use_indexes_not_scans_of_the_base() -> None:
    conn = db()
    plan = " ".join(
        str(r)
        for r in conn.execute(
            "EXPLAIN QUERY PLAN " + T.select_sql("acct = :a AND v = :v"),
            {"sandbox": "a", "scenario": "s1", "a": "x", "v": 1},
        )
    )
    assert "SCAN t_base" not in plan and "SCAN t_live" not in plan, plan


W = LayeredTable("w", key=("acct", "k"), columns=("v", "note", "blob"), indexes=(("v",),))


def wdb() -> tuple[sqlite3.Connection, list[str]]:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.executescript(W.ddl())
    W.seed(conn, "s1", [("x", i, i * 10, None, b"b") for i in range(10)])
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    return conn, statements


def test_a_change_to_a_row_the_sandbox_owns_updates_only_what_differs() -> None:
    conn, statements = wdb()
    W.put(conn, A, ("x", 1, 11, None, b"b"), ("x", 1, 10, None, b"b"))  # first write: the sandbox has no copy yet
    assert statements[-1].startswith("INSERT OR REPLACE INTO w_live"), statements
    statements.clear()
    W.put(conn, A, ("x", 1, 12, "n", b"b"), ("x", 1, 11, None, b"b"))
    assert statements == [
        "UPDATE w_live SET v = 12, note = 'n' WHERE sandbox = 'a' AND acct = 'x' AND k = 1 AND gone = 0"
    ]
    assert W.select(conn, A, "k = 1") == [("x", 1, 12, "n", b"b")]
    assert W.select(conn, B, "k = 1") == [("x", 1, 10, None, b"b")], "b does not see a's change"
    statements.clear()
    W.put(conn, A, ("x", 1, 12, "n", b"b"), ("x", 1, 12, "n", b"b"))
    assert statements == [], "no change, no write"
    assert [r[2] for r in W.select(conn, A, "v = 12")] == [12], "the index follows the change"


def test_a_change_never_revives_nor_misses_a_row() -> None:
    conn, _ = wdb()
    W.delete_many(conn, A, [("x", 2)])
    W.put(conn, A, ("x", 2, 21, None, b"b"), ("x", 2, 20, None, b"b"))  # a tombstone is not updated in place
    assert W.select(conn, A, "k = 2") == [("x", 2, 21, None, b"b")]
    W.put(conn, A, ("x", 3, 31, None, b"b"), ("x", 4, 40, None, b"b"))  # another key's row: a whole write
    assert W.select(conn, A, "k IN (3, 4)") == [("x", 3, 31, None, b"b"), ("x", 4, 40, None, b"b")]


def test_the_statements_kept_for_changes_are_bounded() -> None:
    """Which columns change is the request's choice: past UPDATES_KEPT sets of them, statements are made each time."""
    table = LayeredTable("wide", key=("k",), columns=tuple(f"c{i}" for i in range(8)))
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.executescript(table.ddl())
    table.seed(conn, "s1", [(1, *range(8))])
    before = (1, *range(8))
    table.put(conn, A, before, before[:1] + (0,) * 8)  # the sandbox's own copy
    for mask in range(1, 2**8):
        row = (1, *(100 + i if mask >> i & 1 else i for i in range(8)))
        table.put(conn, A, row, before)
        assert table.select(conn, A) == [row]
        table.put(conn, A, before, row)
    assert len(table._updates) == UPDATES_KEPT
