"""Ka-ching's import queue in the store: accepted imports, applying them in order, and what that left behind
(the queue's success and failure log, stock events, webhook delivery attempts)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

import msgspec

from simulator.domain import kaching as rules
from simulator.domain.kaching import Kind, Rejected, StockValue
from simulator.scenarios.kaching import Account
from simulator.scenarios.loaded import LoadedScenario
from simulator.store.kaching import STOCK, product_stock
from simulator.store.layered import World

_payload = msgspec.json.Encoder()
_values = msgspec.json.Decoder(list[tuple[str, str, str | None, int]])
EVENT_COLUMNS = "id, type, account, queue, import_id, location, product, variant, quantity, before, after, at"


@dataclass(frozen=True, slots=True)
class Now:
    time: float  # the sandbox clock, seconds since the epoch
    iso: str


def enqueue(
    conn: sqlite3.Connection,
    world: World,
    account: str,
    queue: str,
    kind: Kind,
    values: list[StockValue],
    now: float,
    delay: float,
) -> int:
    """Accept an import; it is applied once ``delay`` has passed, and never before an earlier one on the queue."""
    last = conn.execute(
        "SELECT max(due) FROM kc_import WHERE sandbox = ? AND account = ? AND queue = ? AND applied IS NULL",
        (world.sandbox, account, queue),
    ).fetchone()[0]
    due = max(now + delay, last or 0.0)
    payload = _payload.encode([(v.location, v.product, v.variant, v.value) for v in values])
    cursor = conn.execute(
        "INSERT INTO kc_import (sandbox, account, queue, kind, payload, size, received, due) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (world.sandbox, account, queue, kind, payload, len(values), now, due),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


@dataclass(frozen=True, slots=True)
class Access:
    """One authenticated request to an import queue ("every access is logged with client IP and timestamp")."""

    account: str
    queue: str
    method: str
    client: str
    status: int
    at: str


def record_access(conn: sqlite3.Connection, world: World, access: Access) -> None:
    conn.execute(
        "INSERT INTO kc_access (sandbox, account, queue, method, client, status, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (world.sandbox, access.account, access.queue, access.method, access.client, access.status, access.at),
    )


def pending_sandboxes(conn: sqlite3.Connection) -> list[tuple[str, float]]:
    """Each sandbox with imports waiting, and when the first of them is due."""
    rows = conn.execute("SELECT sandbox, min(due) FROM kc_import WHERE applied IS NULL GROUP BY sandbox")
    return [(r[0], r[1]) for r in rows]


def apply_due(conn: sqlite3.Connection, world: World, scenario: LoadedScenario, now: Now) -> list[dict[str, Any]]:
    """Apply every import that is due, in the order received per queue; returns the stock events made."""
    accounts = {a.id: a for a in scenario.spec.ka_ching.accounts}
    pending = conn.execute(
        "SELECT id, account, queue, kind, payload, due FROM kc_import "
        "WHERE sandbox = ? AND applied IS NULL ORDER BY id",
        (world.sandbox,),
    ).fetchall()
    blocked: set[tuple[str, str]] = set()
    first_event = None
    for import_id, account_id, queue, kind, payload, due in pending:
        if (account_id, queue) in blocked or due > now.time:
            blocked.add((account_id, queue))  # a later import on this queue must wait for this one
            continue
        account = accounts.get(account_id)
        for location, product, variant, value in _values.decode(payload):
            if account is None:
                break
            event_id = _apply_value(
                conn, world, account, queue, import_id, kind, StockValue(location, product, variant, value), now
            )
            if first_event is None:
                first_event = event_id
        conn.execute("UPDATE kc_import SET applied = ? WHERE id = ?", (now.time, import_id))
    if first_event is None:
        return []
    rows = conn.execute(
        f"SELECT {EVENT_COLUMNS} FROM kc_event WHERE sandbox = ? AND id >= ? ORDER BY id", (world.sandbox, first_event)
    ).fetchall()
    return [event_json(r) for r in rows]


def _apply_value(
    conn: sqlite3.Connection,
    world: World,
    account: Account,
    queue: str,
    import_id: int,
    kind: Kind,
    value: StockValue,
    now: Now,
) -> int | None:
    """Apply one value and log it; returns the id of the stock event it made (None when it failed)."""
    log = (world.sandbox, account.id, queue, import_id, value.location, value.product, value.variant, value.value)
    try:
        rules.check_keys(value)
        records = product_stock(conn, world, account.id, value.location, value.product)
        catalog = next((tuple(p.variants) for p in account.products if p.id == value.product), None)
        rules.check_shape(value, catalog, ("" in records) if records else None)
        before = records.get(value.variant or "")
        after = rules.apply(kind, before, value.value, account.adjust_unstocked)
    except Rejected as exc:
        conn.execute(
            "INSERT INTO kc_log (sandbox, account, queue, import_id, location, product, variant, value, outcome, "
            "message, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'failure', ?, ?)",
            (*log, exc.message, now.iso),
        )
        return None
    key = (account.id, value.location, value.product, value.variant or "")
    if after is None:
        STOCK.delete_many(conn, world, [key])
        message = "stock record removed"
    else:
        STOCK.put_many(conn, world, [(*key, after)])
        message = f"stock count {'adjusted' if kind == 'adjustment' else 'set'} to {after}"
    conn.execute(
        "INSERT INTO kc_log (sandbox, account, queue, import_id, location, product, variant, value, outcome, "
        "message, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'success', ?, ?)",
        (*log, message, now.iso),
    )
    cursor = conn.execute(
        "INSERT INTO kc_event (sandbox, account, queue, import_id, type, location, product, variant, quantity, "
        "before, after, time, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            world.sandbox,
            account.id,
            queue,
            import_id,
            rules.EVENT_TYPES[kind],
            value.location,
            value.product,
            value.variant,
            value.value,
            before,
            after,
            now.time,
            now.iso,
        ),
    )
    return cursor.lastrowid


def event_json(row: tuple[Any, ...]) -> dict[str, Any]:
    """A stock event as /_sim/ka-ching/events lists it and export queues' webhooks receive it."""
    keys = (
        "id",
        "type",
        "account",
        "import_queue",
        "import_id",
        "stock_location_id",
        "product_id",
        "variant_id",
        "quantity",
        "count_before",
        "count_after",
        "timestamp",
    )
    return dict(zip(keys, row, strict=True))


@dataclass(frozen=True, slots=True)
class EventFilter:
    account: str | None = None
    location: str | None = None
    product: str | None = None
    type: str | None = None
    since_id: int | None = None
    since_time: float | None = None
    limit: int = 1000


def events(conn: sqlite3.Connection, sandbox: str, f: EventFilter) -> list[dict[str, Any]]:
    where = ["sandbox = :sandbox"]
    for column in ("account", "location", "product", "type"):
        if getattr(f, column) is not None:
            where.append(f"{column} = :{column}")
    if f.since_id is not None:
        where.append("id > :since_id")
    if f.since_time is not None:
        where.append("time >= :since_time")
    params = {"sandbox": sandbox, **{k: getattr(f, k) for k in EventFilter.__slots__}}
    sql = f"SELECT {EVENT_COLUMNS} FROM kc_event WHERE {' AND '.join(where)} ORDER BY id LIMIT :limit"
    return [event_json(r) for r in conn.execute(sql, params)]


def queue_log(conn: sqlite3.Connection, sandbox: str, queue: str, account: str | None) -> dict[str, Any]:
    """The queue's success and failure entries (oldest first) and the imports still waiting."""
    scope = "sandbox = ? AND queue = ?" + (" AND account = ?" if account is not None else "")
    args: tuple[Any, ...] = (sandbox, queue) if account is None else (sandbox, queue, account)
    rows = conn.execute(
        "SELECT id, account, import_id, outcome, location, product, variant, value, message, at FROM kc_log "
        f"WHERE {scope} ORDER BY id",
        args,
    ).fetchall()
    log: dict[str, list[dict[str, Any]]] = {"success": [], "failure": []}
    for r in rows:
        log[r[3]].append(
            {
                "id": r[0],
                "account": r[1],
                "import_id": r[2],
                "stock_location_id": r[4],
                "product_id": r[5],
                "variant_id": r[6],
                "value": r[7],
                "message": r[8],
                "timestamp": r[9],
            }
        )
    imports = conn.execute(
        f"SELECT id, account, kind, size, applied IS NOT NULL FROM kc_import WHERE {scope} ORDER BY id", args
    ).fetchall()
    accesses = conn.execute(
        f"SELECT account, method, client, status, at FROM kc_access WHERE {scope} ORDER BY id", args
    ).fetchall()
    return {
        **log,
        "accesses": [
            {"account": r[0], "method": r[1], "client": r[2], "status": r[3], "timestamp": r[4]} for r in accesses
        ],
        "imports": [
            {"id": r[0], "account": r[1], "kind": r[2], "values": r[3], "applied": bool(r[4])} for r in imports
        ],
    }


def event_exists(conn: sqlite3.Connection, sandbox: str, event_id: int) -> bool:
    row = conn.execute("SELECT 1 FROM kc_event WHERE sandbox = ? AND id = ?", (sandbox, event_id)).fetchone()
    return row is not None


def record_delivery(
    conn: sqlite3.Connection,
    sandbox: str,
    account: str,
    export_queue: str,
    event_id: int,
    attempt: int,
    url: str,
    status_code: int | None,
    error: str | None,
    at: str,
) -> None:
    outcome = "delivered" if status_code is not None and 200 <= status_code < 300 else "failed"
    conn.execute(
        "INSERT INTO kc_delivery (sandbox, account, export_queue, event_id, attempt, url, outcome, status_code, "
        "error, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (sandbox, account, export_queue, event_id, attempt, url, outcome, status_code, error, at),
    )


def deliveries(
    conn: sqlite3.Connection, sandbox: str, account: str | None, export_queue: str | None, event_id: int | None
) -> list[dict[str, Any]]:
    where = ["sandbox = :sandbox"]
    params: dict[str, Any] = {"sandbox": sandbox, "account": account, "export_queue": export_queue, "event": event_id}
    if account is not None:
        where.append("account = :account")
    if export_queue is not None:
        where.append("export_queue = :export_queue")
    if event_id is not None:
        where.append("event_id = :event")
    rows = conn.execute(
        "SELECT id, account, export_queue, event_id, attempt, url, outcome, status_code, error, at FROM kc_delivery "
        f"WHERE {' AND '.join(where)} ORDER BY id",
        params,
    )
    keys = (
        "id",
        "account",
        "export_queue",
        "event_id",
        "attempt",
        "url",
        "outcome",
        "status_code",
        "error",
        "timestamp",
    )
    return [dict(zip(keys, r, strict=True)) for r in rows]
