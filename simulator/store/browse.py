"""Reading any layered table a page at a time, for people rather than clients (the dashboard).

Every query here is bounded by an index: a page continues after the last key shown (keyset paging, so page 10,000
costs what page 1 costs), a search is a prefix range over one identifier column at a time, and the rows a sandbox
changed since its reset are its own ``<table>_live`` rows, each beside the ``<table>_base`` row it overrides.

A layered table's first key column names the vendor account (shop, account, tenant, plugin); the rest of the key
orders an account's rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import msgspec

from simulator.store.layered import LayeredTable, World

# The highest code point: a text prefix range [term, term + TOP) holds every string that starts with term.
TOP = "\U0010ffff"


class Row(msgspec.Struct, frozen=True):
    key: tuple[Any, ...]  # the key below the account column
    values: dict[str, Any]  # every column but the account


class Change(msgspec.Struct, frozen=True):
    """A row the sandbox wrote or removed: ``before`` is the scenario's (None: the sandbox added it), ``after`` the
    sandbox's (None: removed)."""

    key: tuple[Any, ...]
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def differs(self) -> frozenset[str]:
        """The columns whose value changed."""
        if self.before is None or self.after is None:
            return frozenset((self.before or self.after or {}).keys())
        return frozenset(c for c, v in self.after.items() if self.before.get(c) != v)


class Page(msgspec.Struct, frozen=True):
    rows: list[Row]
    next: tuple[Any, ...] | None  # the key to continue after; None on the last page


class Changes(msgspec.Struct, frozen=True):
    rows: list[Change]
    next: tuple[Any, ...] | None


def account_column(table: LayeredTable) -> str:
    return table.key[0]


def order_columns(table: LayeredTable) -> tuple[str, ...]:
    return table.key[1:]


def identifier_columns(table: LayeredTable) -> tuple[str, ...]:
    """What a person may search by: the key below the account, then every indexed column."""
    found = list(order_columns(table))
    for index in table.indexes:
        found += [c for c in index if c != account_column(table) and c not in found]
    return tuple(found)


def page(
    conn: sqlite3.Connection,
    table: LayeredTable,
    world: World,
    account: str,
    after: Sequence[Any] | None,
    limit: int,
) -> Page:
    """``limit`` rows of the account in key order, starting after the key ``after``."""
    order = order_columns(table)
    where, params = _account(table, account)
    if after is not None:
        where += f" AND ({', '.join(order)}) > ({', '.join(f':after{i}' for i in range(len(order)))})"
        params.update({f"after{i}": v for i, v in enumerate(after)})
    rows = table.select(conn, world, where, {**params, "limit": limit + 1}, f"ORDER BY {', '.join(order)} LIMIT :limit")
    shown = [_row(table, r) for r in rows[:limit]]
    return Page(shown, shown[-1].key if len(rows) > limit and shown else None)


def search(conn: sqlite3.Connection, table: LayeredTable, world: World, account: str, term: str, limit: int) -> Page:
    """Rows of the account with an identifier that equals ``term`` or starts with it, at most ``limit``; each column
    is searched on its own so each query can use its index."""
    found: dict[tuple[Any, ...], Row] = {}
    number = _integer(term)
    base, params = _account(table, account)
    for column in identifier_columns(table):
        wanted = max(limit + 1 - len(found), 0)
        if not wanted:
            break
        queries: list[tuple[str, dict[str, Any]]] = [
            (f"{column} >= :low AND {column} < :high", {"low": term, "high": term + TOP})
        ]
        if number is not None:
            queries.insert(0, (f"{column} = :number", {"number": number}))
        for condition, extra in queries:
            rows = table.select(
                conn,
                world,
                f"{base} AND {condition}",
                {**params, **extra, "limit": wanted},
                f"ORDER BY {column} LIMIT :limit",
            )
            for r in rows:
                row = _row(table, r)
                found.setdefault(row.key, row)
    rows_found = list(found.values())
    # `next` only says there are more: a search is narrowed by typing more, not paged.
    return Page(rows_found[:limit], rows_found[limit].key if len(rows_found) > limit else None)


def changes(
    conn: sqlite3.Connection,
    table: LayeredTable,
    world: World,
    account: str,
    after: Sequence[Any] | None,
    limit: int,
) -> Changes:
    """The account's rows that the sandbox wrote or removed since its last reset, in key order."""
    order = order_columns(table)
    columns = [c for c in table.all_columns if c != account_column(table)]
    join = " AND ".join(f"b.{k} = l.{k}" for k in table.key)
    where = f"l.sandbox = :sandbox AND l.{account_column(table)} = :account"
    params: dict[str, Any] = {"sandbox": world.sandbox, "scenario": world.scenario, "account": account}
    if after is not None:
        where += f" AND ({', '.join(f'l.{c}' for c in order)}) > ({', '.join(f':after{i}' for i in range(len(order)))})"
        params.update({f"after{i}": v for i, v in enumerate(after)})
    sql = (
        f"SELECT {', '.join(f'l.{c}' for c in columns)}, l.gone, b.scenario IS NOT NULL, "
        f"{', '.join(f'b.{c}' for c in columns)} "
        f"FROM {table.name}_live AS l LEFT JOIN {table.name}_base AS b ON b.scenario = :scenario AND {join} "
        f"WHERE {where} ORDER BY {', '.join(f'l.{c}' for c in order)} LIMIT :limit"
    )
    rows = conn.execute(sql, {**params, "limit": limit + 1}).fetchall()
    n = len(columns)
    found = []
    for r in rows[:limit]:
        after_row = None if r[n] else dict(zip(columns, r[:n], strict=True))
        before_row = dict(zip(columns, r[n + 2 :], strict=True)) if r[n + 1] else None
        found.append(Change(tuple(r[: len(order)]), before_row, after_row))
    return Changes(found, found[-1].key if len(rows) > limit and found else None)


def count_changes(conn: sqlite3.Connection, tables: Sequence[LayeredTable], sandbox: str) -> int:
    """How many rows of these tables the sandbox holds of its own (written or removed since its reset)."""
    return sum(
        int(conn.execute(f"SELECT count(*) FROM {t.name}_live WHERE sandbox = ?", (sandbox,)).fetchone()[0])
        for t in tables
    )


def count_account_changes(conn: sqlite3.Connection, table: LayeredTable, sandbox: str, account: str) -> int:
    sql = f"SELECT count(*) FROM {table.name}_live WHERE sandbox = ? AND {account_column(table)} = ?"
    return int(conn.execute(sql, (sandbox, account)).fetchone()[0])


def _account(table: LayeredTable, account: str) -> tuple[str, dict[str, Any]]:
    return f"{account_column(table)} = :account", {"account": account}


def _row(table: LayeredTable, raw: Sequence[Any]) -> Row:
    values = dict(zip(table.all_columns[1:], raw[1:], strict=True))
    return Row(tuple(values[c] for c in order_columns(table)), values)


def _integer(term: str) -> int | None:
    # Identifier columns have no declared type, so the number 10001 and the text "10001" are different values.
    if term.isascii() and term.isdigit() and len(term) <= 18:
        return int(term)
    return None
