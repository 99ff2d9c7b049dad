"""Ka-ching in the store: stock records per (account, location, product, variant), and the import queue's rows.

Stock is a layered table (the scenario's counts shared, each sandbox's changes its own). Imports, their log,
stock events and webhook deliveries are per-sandbox append-only tables, emptied by a reset; the log and the events
keep only their newest entries (kc_event_held counts each sandbox's events and remembers which were evicted). The
queue's logic (applying imports, reading logs and events) is in kaching_queue.py.
"""

from __future__ import annotations

import sqlite3

import msgspec

from simulator.domain.kaching import StockValue
from simulator.scenarios import kaching as kaching_scenario
from simulator.scenarios.loaded import LoadedScenario
from simulator.store.layered import LayeredTable, World
from simulator.store.part import StorePart

# variant '' is the product's own count (a product without variants); Firebase keys are never empty.
STOCK = LayeredTable("kc_stock", key=("account", "location", "product", "variant"), columns=("count",))
TABLES = (STOCK,)
SANDBOX_TABLES: tuple[str, ...] = ("kc_import", "kc_log", "kc_event", "kc_event_held", "kc_delivery", "kc_access")
DDL = """
CREATE TABLE IF NOT EXISTS kc_import (
    id INTEGER PRIMARY KEY AUTOINCREMENT, sandbox TEXT NOT NULL, account TEXT NOT NULL, queue TEXT NOT NULL,
    kind TEXT NOT NULL, payload BLOB NOT NULL, size INTEGER NOT NULL, received REAL NOT NULL, due REAL NOT NULL,
    applied REAL, forced BLOB
);
CREATE INDEX IF NOT EXISTS kc_import_pending ON kc_import (sandbox, applied, id);
CREATE TABLE IF NOT EXISTS kc_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, sandbox TEXT NOT NULL, account TEXT NOT NULL, queue TEXT NOT NULL,
    import_id INTEGER NOT NULL, outcome TEXT NOT NULL, location TEXT NOT NULL, product TEXT NOT NULL,
    variant TEXT, value INTEGER NOT NULL, message TEXT NOT NULL, at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS kc_log_queue ON kc_log (sandbox, queue, id);
CREATE TABLE IF NOT EXISTS kc_event (
    id INTEGER PRIMARY KEY AUTOINCREMENT, sandbox TEXT NOT NULL, account TEXT NOT NULL, queue TEXT NOT NULL,
    import_id INTEGER NOT NULL, type TEXT NOT NULL, location TEXT NOT NULL, product TEXT NOT NULL, variant TEXT,
    quantity INTEGER NOT NULL, before INTEGER, after INTEGER, time REAL NOT NULL, at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS kc_event_sandbox ON kc_event (sandbox, id);
CREATE TABLE IF NOT EXISTS kc_event_held (
    sandbox TEXT PRIMARY KEY, held INTEGER NOT NULL, evicted_from INTEGER, evicted_to INTEGER
);
CREATE TABLE IF NOT EXISTS kc_delivery (
    id INTEGER PRIMARY KEY AUTOINCREMENT, sandbox TEXT NOT NULL, account TEXT NOT NULL, export_queue TEXT NOT NULL,
    event_id INTEGER NOT NULL, attempt INTEGER NOT NULL, url TEXT NOT NULL, outcome TEXT NOT NULL,
    status_code INTEGER, error TEXT, at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS kc_delivery_sandbox ON kc_delivery (sandbox, id);
CREATE INDEX IF NOT EXISTS kc_delivery_event ON kc_delivery (sandbox, event_id);
CREATE TABLE IF NOT EXISTS kc_access (
    id INTEGER PRIMARY KEY AUTOINCREMENT, sandbox TEXT NOT NULL, account TEXT NOT NULL, queue TEXT NOT NULL,
    method TEXT NOT NULL, client TEXT NOT NULL, status INTEGER NOT NULL, at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS kc_access_queue ON kc_access (sandbox, queue, id);
"""


def seed(conn: sqlite3.Connection, scenario: LoadedScenario) -> int:
    rows = [
        (account.id, s.location, s.product, s.variant or "", s.count)
        for account in kaching_scenario.section(scenario).accounts
        for s in account.stock
    ]
    STOCK.seed(conn, scenario.id, rows)
    return len(rows)


def product_stock(conn: sqlite3.Connection, world: World, account: str, location: str, product: str) -> dict[str, int]:
    """The product's records at the location: variant ('' for the product's own count) -> count."""
    rows = STOCK.select(
        conn,
        world,
        "account = :account AND location = :location AND product = :product",
        {"account": account, "location": location, "product": product},
    )
    return {r[3]: r[4] for r in rows}


class AccountState(msgspec.Struct, frozen=True):
    records: list[StockValue]  # the first records by location, product and variant; value is the count
    total: int
    pending_imports: int


def state(conn: sqlite3.Connection, world: World, scenario: LoadedScenario, limit: int) -> dict[str, AccountState]:
    """Per account, the first ``limit`` stock records in id order, how many there are, and how many imports still
    wait in the account's queues."""
    accounts: dict[str, AccountState] = {}
    for account in kaching_scenario.section(scenario).accounts:
        accounts[account.id] = _account_state(conn, world, account.id, limit)
    return accounts


def _account_state(conn: sqlite3.Connection, world: World, account: str, limit: int) -> AccountState:
    params = {"account": account, "limit": limit}
    rows = STOCK.select(conn, world, "account = :account", params, "ORDER BY location, product, variant LIMIT :limit")
    pending = conn.execute(
        "SELECT count(*) FROM kc_import WHERE sandbox = ? AND account = ? AND applied IS NULL",
        (world.sandbox, account),
    ).fetchone()[0]
    return AccountState(
        records=[
            StockValue(location, product, variant or None, count) for _, location, product, variant, count in rows
        ],
        total=STOCK.count(conn, world, "account = :account", {"account": account}),
        pending_imports=pending,
    )


PART = StorePart(tables=TABLES, sandbox_tables=SANDBOX_TABLES, ddl=DDL, seed=seed)
