"""Reading what Ka-ching's import queue left behind: stock events, the queue's logs, webhook deliveries."""

from __future__ import annotations

import sqlite3
from typing import Any

import msgspec

from simulator.domain.kaching import KINDS, StockEvent

EVENT_COLUMNS = "id, type, account, queue, import_id, location, product, variant, quantity, before, after, at"
DELIVERY_KEYS = (
    "id", "account", "export_queue", "event_id", "attempt", "url", "outcome", "status_code", "error", "timestamp",
)  # fmt: skip


def event_of(row: tuple[Any, ...]) -> StockEvent:
    """A kc_event row (EVENT_COLUMNS) as the domain's value."""
    event_id, type_, account, queue, import_id, location, product, variant, value, before, after, at = row
    return StockEvent(
        event_id, KINDS[type_], account, queue, import_id, location, product, variant, value, before, after, at
    )


class EventFilter(msgspec.Struct, frozen=True):
    account: str | None = None
    location: str | None = None
    product: str | None = None
    type: str | None = None
    since_id: int | None = None  # events after this one
    since_time: float | None = None  # events at or after this time
    limit: int = 1000


def events(conn: sqlite3.Connection, sandbox: str, f: EventFilter) -> list[StockEvent]:
    where = ["sandbox = :sandbox"]
    for column in ("account", "location", "product", "type"):
        if getattr(f, column) is not None:
            where.append(f"{column} = :{column}")
    if f.since_id is not None:
        where.append("id > :since_id")
    if f.since_time is not None:
        where.append("time >= :since_time")
    sql = f"SELECT {EVENT_COLUMNS} FROM kc_event WHERE {' AND '.join(where)} ORDER BY id LIMIT :limit"
    return [event_of(r) for r in conn.execute(sql, {"sandbox": sandbox, **msgspec.structs.asdict(f)})]


def queue_log(conn: sqlite3.Connection, sandbox: str, queue: str, account: str | None) -> dict[str, Any]:
    """The queue's success and failure entries, its accesses and its imports, oldest first."""
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
    accesses = conn.execute(
        f"SELECT account, method, client, status, at FROM kc_access WHERE {scope} ORDER BY id", args
    ).fetchall()
    imports = conn.execute(
        f"SELECT id, account, kind, size, applied IS NOT NULL FROM kc_import WHERE {scope} ORDER BY id", args
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
    return [dict(zip(DELIVERY_KEYS, r, strict=True)) for r in rows]
