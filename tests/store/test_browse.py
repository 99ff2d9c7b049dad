"""Browsing layered tables: keyset pages that never skip or repeat a row, searches by any identifier (exact or by
prefix, numbers and text alike), the rows a sandbox changed with their values before and after, and query plans
that stay on indexes."""

from __future__ import annotations

import sqlite3

from simulator.store import browse
from simulator.store.layered import LayeredTable, World

T = LayeredTable("t", key=("shop", "id"), columns=("sku", "stock"), indexes=(("shop", "sku"),))
W = World("a", "s1")


def db(n: int = 120) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.executescript(T.ddl())
    T.seed(conn, "s1", [("x", i, f"SKU-{i:04d}", i) for i in range(1, n + 1)])
    T.seed(conn, "s1", [("y", 1, "OTHER", 0)])
    return conn


def test_identifier_columns_are_the_key_below_the_account_then_indexed_ones() -> None:
    assert browse.identifier_columns(T) == ("id", "sku")
    assert browse.order_columns(T) == ("id",)
    assert browse.account_column(T) == "shop"


def test_pages_walk_every_row_once_in_key_order_with_the_sandboxes_own_rows() -> None:
    conn = db()
    T.put_many(conn, W, [("x", 500, "NEW", 1), ("x", 7, "SKU-0007", 70)])
    T.delete_many(conn, W, [("x", 3)])
    seen: list[int] = []
    after = None
    while True:
        page = browse.page(conn, T, W, "x", after, 25)
        seen += [r.key[0] for r in page.rows]
        if page.next is None:
            break
        assert page.next == page.rows[-1].key
        after = page.next
    assert seen == [i for i in range(1, 121) if i != 3] + [500]
    first = browse.page(conn, T, W, "x", None, 10)
    assert first.rows[5].values == {"id": 7, "sku": "SKU-0007", "stock": 70}
    assert browse.page(conn, T, W, "y", None, 10).rows[0].values["sku"] == "OTHER"


def test_a_search_finds_an_identifier_exactly_or_by_its_start() -> None:
    conn = db()
    assert [r.key for r in browse.search(conn, T, W, "x", "SKU-0042", 50).rows] == [(42,)]
    assert [r.key for r in browse.search(conn, T, W, "x", "42", 50).rows] == [(42,)], "a number matches the int id"
    prefix = browse.search(conn, T, W, "x", "SKU-00", 50)
    assert [r.key[0] for r in prefix.rows] == list(range(1, 51)) and prefix.next is not None
    assert browse.search(conn, T, W, "x", "SKU-01", 50).next is None
    assert browse.search(conn, T, W, "x", "nothing", 50).rows == []
    assert browse.search(conn, T, W, "y", "SKU-0042", 50).rows == [], "another account's rows stay out"


def test_a_search_sees_the_sandboxes_writes() -> None:
    conn = db()
    T.put_many(conn, W, [("x", 42, "RENAMED", 1)])
    assert browse.search(conn, T, W, "x", "SKU-0042", 50).rows == []
    assert [r.values["stock"] for r in browse.search(conn, T, W, "x", "RENAMED", 50).rows] == [1]
    assert browse.search(conn, T, World("b", "s1"), "x", "SKU-0042", 50).rows[0].values["sku"] == "SKU-0042"


def test_changes_show_each_written_row_before_and_after() -> None:
    conn = db()
    T.put_many(conn, W, [("x", 5, "SKU-0005", 99), ("x", 900, "ADDED", 1), ("x", 6, "SKU-0006", 6)])
    T.delete_many(conn, W, [("x", 8)])
    T.put_many(conn, World("b", "s1"), [("x", 9, "SKU-0009", 0)])
    found = browse.changes(conn, T, W, "x", None, 10)
    by_key = {c.key: c for c in found.rows}
    assert list(by_key) == [(5,), (6,), (8,), (900,)]
    assert by_key[(5,)].before == {"id": 5, "sku": "SKU-0005", "stock": 5}
    assert by_key[(5,)].after == {"id": 5, "sku": "SKU-0005", "stock": 99}
    assert by_key[(5,)].differs == {"stock"}
    assert by_key[(6,)].differs == frozenset(), "written with the same values"
    assert by_key[(8,)].after is None and by_key[(8,)].before is not None
    assert by_key[(900,)].before is None and by_key[(900,)].after == {"id": 900, "sku": "ADDED", "stock": 1}
    assert browse.count_changes(conn, [T], "a") == 4
    assert browse.count_account_changes(conn, T, "a", "x") == 4
    assert browse.count_account_changes(conn, T, "a", "y") == 0
    two = browse.changes(conn, T, W, "x", None, 2)
    assert [c.key for c in two.rows] == [(5,), (6,)] and two.next == (6,)
    rest = browse.changes(conn, T, W, "x", two.next, 2)
    assert [c.key for c in rest.rows] == [(8,), (900,)] and rest.next is None
    T.reset(conn, "a")
    assert browse.changes(conn, T, W, "x", None, 10).rows == []


def test_pages_and_searches_use_indexes() -> None:
    conn = db()
    after = T.select_sql("shop = :account AND (id) > (:after0)", "ORDER BY id LIMIT :limit")
    prefix = T.select_sql("shop = :account AND sku >= :low AND sku < :high", "ORDER BY sku LIMIT :limit")
    for sql in (after, prefix):
        bound = {"sandbox": "a", "scenario": "s1", "account": "x", "after0": 1, "low": "S", "high": "T", "limit": 5}
        plan = " ".join(str(r) for r in conn.execute("EXPLAIN QUERY PLAN " + sql, bound))
        assert "SCAN" not in plan, plan
