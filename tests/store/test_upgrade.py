"""A --db file an older version wrote opens after columns were added to a table (Centra's `upc` was one): the
columns are added, the rows already there keep their values (NULL in the new column), and the server serves it."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from simulator.store.connection import Store
from simulator.store.layered import LayeredTable
from simulator.store.part import Schema, StorePart
from simulator.store.sandboxes import ddl
from simulator.vendors import SCHEMA
from tests.support import app_for, in_process

pytestmark = pytest.mark.anyio


def without(table: LayeredTable, column: str) -> LayeredTable:
    """The table as a version before ``column`` (and the indexes over it) made it."""
    return dataclasses.replace(
        table,
        columns=tuple(c for c in table.columns if c != column),
        indexes=tuple(i for i in table.indexes if column not in i),
    )


def older_file(path: Path, table_name: str, column: str) -> None:
    parts = [
        dataclasses.replace(p, tables=tuple(without(t, column) if t.name == table_name else t for t in p.tables))
        for p in SCHEMA.parts
    ]
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(ddl(Schema.of(parts)))
    conn.close()


@pytest.mark.parametrize(
    ("table", "column"),
    [(t, c) for t in SCHEMA.layered for c in t.columns[-1:]],
    ids=lambda v: v.name if isinstance(v, LayeredTable) else v,
)
async def test_every_layered_table_gains_a_column_added_since(tmp_path: Path, table: LayeredTable, column: str) -> None:
    path = tmp_path / "old.sqlite"
    old = without(table, column)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(old.ddl())
    row = [f"k{i}" for i in range(len(old.all_columns))]
    conn.execute(f"INSERT INTO {table.name}_base VALUES (?, {', '.join('?' for _ in row)})", ["s", *row])
    conn.close()
    schema = Schema.of([StorePart(tables=(table,))])
    store = await Store.open(str(path), schema.ddl(), schema.upgrade)
    names = await store.read(lambda c: [r[1] for r in c.execute(f"PRAGMA table_info({table.name}_base)")])
    kept = await store.read(
        lambda c: c.execute(f"SELECT {', '.join(old.all_columns)}, {column} FROM {table.name}_base").fetchall()
    )
    await store.close()
    assert column in names
    assert kept == [(*row, None)]


async def test_a_file_written_before_centra_items_had_upc_is_served(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    older_file(path, "centra_item", "upc")
    with pytest.raises(sqlite3.OperationalError):  # without the upgrade: the index over `upc` cannot be made
        store = await Store.open(str(path), ddl(SCHEMA))
        await store.close()
    async with in_process(app_for(db=str(path))) as client:
        r = await client.get("/centra/demo/stock", headers={"API-Authorization": "demo-centra-api-token"})
        assert r.status_code == 200, r.text
        assert any(product.get("upc") for product in r.json()["products"])
