"""Ka-ching's import queue in the store: accepting imports, applying them in order, and recording what that did
(the queue's success and failure log, stock events, accesses, webhook delivery attempts)."""

from __future__ import annotations

import sqlite3

import msgspec

from simulator.domain import kaching as rules
from simulator.domain.kaching import Kind, Rejected, StockEvent, StockValue
from simulator.scenarios import kaching as kaching_scenario
from simulator.scenarios.kaching import Account
from simulator.scenarios.loaded import LoadedScenario
from simulator.store.kaching import STOCK, product_stock
from simulator.store.kaching_reads import EVENT_COLUMNS, event_of
from simulator.store.layered import World

_payload = msgspec.json.Encoder()
_values = msgspec.json.Decoder(list[tuple[str, str, str | None, int]])
_forced = msgspec.json.Decoder(list[str])
DEFAULT_KEEP_LOG = 100_000  # --kaching-log-entries
DEFAULT_KEEP_EVENTS = 100_000  # --kaching-events


class Now(msgspec.Struct, frozen=True):
    time: float  # the sandbox clock, seconds since the epoch
    iso: str


class Access(msgspec.Struct, frozen=True):
    """One authenticated request to an import queue ("every access is logged with client IP and timestamp")."""

    account: str
    queue: str
    method: str
    client: str
    status: int
    at: str


class _Import(msgspec.Struct, frozen=True):
    id: int
    account: Account
    catalog: dict[str, tuple[str, ...]]
    queue: str
    kind: Kind
    forced: frozenset[str] = frozenset()  # a fault rule's fail_items: these values go to the failure log


def record_access(conn: sqlite3.Connection, world: World, access: Access) -> None:
    conn.execute(
        "INSERT INTO kc_access (sandbox, account, queue, method, client, status, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (world.sandbox, access.account, access.queue, access.method, access.client, access.status, access.at),
    )


def enqueue(
    conn: sqlite3.Connection,
    world: World,
    account: Account,
    queue: str,
    kind: Kind,
    values: list[StockValue],
    now: float,
    forced: frozenset[str] = frozenset(),
) -> int:
    """Accept an import: it is applied once the account's delay has passed, never before an earlier one."""
    last = conn.execute(
        "SELECT max(due) FROM kc_import WHERE sandbox = ? AND account = ? AND queue = ? AND applied IS NULL",
        (world.sandbox, account.id, queue),
    ).fetchone()[0]
    due = max(now + account.processing_delay, last or 0.0)
    payload = _payload.encode([(v.location, v.product, v.variant, v.value) for v in values])
    cursor = conn.execute(
        "INSERT INTO kc_import (sandbox, account, queue, kind, payload, size, received, due, forced) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            world.sandbox,
            account.id,
            queue,
            kind,
            payload,
            len(values),
            now,
            due,
            _payload.encode(sorted(forced)) if forced else None,
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def pending_sandboxes(conn: sqlite3.Connection) -> list[tuple[str, float]]:
    """Each sandbox incarnation with imports waiting, and when the first of them is due."""
    rows = conn.execute("SELECT sandbox, min(due) FROM kc_import WHERE applied IS NULL GROUP BY sandbox")
    return [(r[0], r[1]) for r in rows]


def drop_pending(conn: sqlite3.Connection, sandbox: str) -> None:
    """Forget the imports still waiting for a sandbox incarnation that no longer exists: they are never applied."""
    conn.execute("DELETE FROM kc_import WHERE sandbox = ? AND applied IS NULL", (sandbox,))


def apply_due(
    conn: sqlite3.Connection,
    world: World,
    scenario: LoadedScenario,
    now: Now,
    keep_log: int = DEFAULT_KEEP_LOG,
    keep_events: int = DEFAULT_KEEP_EVENTS,
) -> list[StockEvent]:
    """Apply every import that is due, in the order received per queue; returns the stock events made (all of
    them, for the webhooks, even those the bound evicts at once). Each queue applied to keeps its newest
    ``keep_log`` log entries (--kaching-log-entries), the sandbox its newest ``keep_events`` stock events
    (--kaching-events)."""
    pending = conn.execute(
        "SELECT id, account, queue, kind, payload, due, forced FROM kc_import "
        "WHERE sandbox = ? AND applied IS NULL ORDER BY id",
        (world.sandbox,),
    ).fetchall()
    blocked: set[tuple[str, str]] = set()
    logged: set[str] = set()
    first_event: int | None = None
    made = 0
    for import_id, account_id, queue, kind, payload, due, forced in pending:
        if (account_id, queue) in blocked or due > now.time:
            blocked.add((account_id, queue))  # a later import on this queue must wait for this one
            continue
        account = kaching_scenario.accounts(scenario).get(account_id)
        if account is not None:
            failing = frozenset(_forced.decode(forced)) if forced else frozenset()
            job = _Import(import_id, account, kaching_scenario.catalogs(scenario)[account_id], queue, kind, failing)
            for location, product, variant, value in _values.decode(payload):
                event_id = _apply_value(conn, world, job, StockValue(location, product, variant, value), now)
                first_event = first_event or event_id
                made += event_id is not None
        conn.execute("UPDATE kc_import SET applied = ? WHERE id = ?", (now.time, import_id))
        logged.add(queue)
    for queue in logged:
        _trim_log(conn, world, queue, keep_log)
    if first_event is None:
        return []
    rows = conn.execute(
        f"SELECT {EVENT_COLUMNS} FROM kc_event WHERE sandbox = ? AND id >= ? ORDER BY id", (world.sandbox, first_event)
    ).fetchall()
    _trim_events(conn, world.sandbox, made, keep_events)
    return [event_of(r) for r in rows]


def _trim_events(conn: sqlite3.Connection, sandbox: str, made: int, keep: int) -> None:
    """Keep the sandbox's newest ``keep`` stock events, and their delivery records. The count is kept beside them
    (counting the rows would walk them all on every import), and so is the range of ids evicted, so that webhooks
    queued for an evicted event still go out (see ``deliverable``)."""
    row = conn.execute("SELECT held FROM kc_event_held WHERE sandbox = ?", (sandbox,)).fetchone()
    if row is None:
        # The first events since the sandbox was made or reset (or in a --db file from before the bound).
        held = conn.execute("SELECT count(*) FROM kc_event WHERE sandbox = ?", (sandbox,)).fetchone()[0]
        conn.execute("INSERT INTO kc_event_held (sandbox, held) VALUES (?, ?)", (sandbox, held))
    else:
        held = row[0] + made
    excess = held - keep
    if excess <= 0:
        conn.execute("UPDATE kc_event_held SET held = ? WHERE sandbox = ?", (held, sandbox))
        return
    first, last = conn.execute(
        "SELECT min(id), max(id) FROM (SELECT id FROM kc_event WHERE sandbox = ? ORDER BY id LIMIT ?)",
        (sandbox, excess),
    ).fetchone()
    conn.execute("DELETE FROM kc_event WHERE sandbox = ? AND id <= ?", (sandbox, last))
    conn.execute("DELETE FROM kc_delivery WHERE sandbox = ? AND event_id <= ?", (sandbox, last))
    conn.execute(
        "UPDATE kc_event_held SET held = ?, evicted_from = coalesce(evicted_from, ?), evicted_to = ? WHERE sandbox = ?",
        (keep, first, last, sandbox),
    )


def deliverable(conn: sqlite3.Connection, sandbox: str, event_id: int) -> bool:
    """Whether a webhook for the stock event should still go out: the event is there, or the bound evicted it. A
    reset or delete wipes the events and the record of evictions alike, so their webhooks stop."""
    row = conn.execute(
        "SELECT 1 FROM kc_event WHERE sandbox = ? AND id = ? UNION ALL "
        "SELECT 1 FROM kc_event_held WHERE sandbox = ? AND ? BETWEEN evicted_from AND evicted_to",
        (sandbox, event_id, sandbox, event_id),
    ).fetchone()
    return row is not None


def _apply_value(conn: sqlite3.Connection, world: World, job: _Import, value: StockValue, now: Now) -> int | None:
    """Apply one value and log it; returns the id of the stock event it made (None when it failed)."""
    account = job.account.id
    try:
        if value.product in job.forced or (value.variant is not None and value.variant in job.forced):
            raise Rejected("Internal error: the stock value could not be imported (forced by a fault rule)")
        rules.check_keys(value)
        records = product_stock(conn, world, account, value.location, value.product)
        rules.check_shape(value, job.catalog.get(value.product), ("" in records) if records else None)
        before = records.get(value.variant or "")
        after = rules.apply(job.kind, before, value.value, job.account.adjust_unstocked)
    except Rejected as exc:
        _log(conn, world, job, value, "failure", exc.message, now)
        return None
    key = (account, value.location, value.product, value.variant or "")
    if after is None:
        STOCK.delete_many(conn, world, [key])
        _log(conn, world, job, value, "success", "stock record removed", now)
    else:
        STOCK.put(conn, world, (*key, after))
        verb = "adjusted" if job.kind == "adjustment" else "set"
        _log(conn, world, job, value, "success", f"stock count {verb} to {after}", now)
    cursor = conn.execute(
        "INSERT INTO kc_event (sandbox, account, queue, import_id, type, location, product, variant, quantity, "
        "before, after, time, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            world.sandbox, account, job.queue, job.id, rules.EVENT_TYPES[job.kind], value.location, value.product,
            value.variant, value.value, before, after, now.time, now.iso,
        ),
    )  # fmt: skip
    return cursor.lastrowid


def _trim_log(conn: sqlite3.Connection, world: World, queue: str, keep: int) -> None:
    # The newest `keep` entries stay; the index on (sandbox, queue, id) finds the cut without a scan of the rest.
    conn.execute(
        "DELETE FROM kc_log WHERE sandbox = ? AND queue = ? AND id <= (SELECT id FROM kc_log WHERE sandbox = ? "
        "AND queue = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
        (world.sandbox, queue, world.sandbox, queue, keep),
    )


def _log(
    conn: sqlite3.Connection, world: World, job: _Import, value: StockValue, outcome: str, message: str, now: Now
) -> None:
    conn.execute(
        "INSERT INTO kc_log (sandbox, account, queue, import_id, location, product, variant, value, outcome, "
        "message, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            world.sandbox, job.account.id, job.queue, job.id, value.location, value.product, value.variant,
            value.value, outcome, message, now.iso,
        ),
    )  # fmt: skip


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
