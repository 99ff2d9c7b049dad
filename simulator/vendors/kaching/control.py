"""Ka-ching's control endpoints, mounted at /_sim/ka-ching/: what the asynchronous queue did, made visible.

Real Ka-ching shows import outcomes only in the queue's logs and stock events only through export queues; a
test needs both, so they are listed here. Every endpoint takes ``?sandbox=NAME`` (default: ``default``).
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from simulator.http import json_response
from simulator.masking import MASK, mask_text
from simulator.numbers import is_digits, whole_number
from simulator.plane.errors import BadRequest, NotFound
from simulator.plane.params import sandbox_param
from simulator.scenarios.kaching import section
from simulator.store import kaching_reads as reads
from simulator.store.kaching_reads import EventFilter
from simulator.vendors.base import store_of
from simulator.vendors.kaching.events import listed_event

LAST_ID = 2**63 - 1  # SQLite's largest integer


def _whole(request: Request, name: str, low: int, high: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    value = whole_number(raw, low, high)
    if value is None:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}, got {raw!r}")
    return value


def _since(request: Request) -> tuple[int | None, float | None]:
    """``since``: an event id (events after it) or an ISO-8601 time (events at or after it)."""
    raw = request.query_params.get("since")
    if raw is None:
        return None, None
    if is_digits(raw):
        # An id past the last event (even one past SQLite's integers) means nothing after it.
        value = whole_number(raw, 0, LAST_ID)
        return LAST_ID if value is None else value, None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"since must be an event id or an ISO-8601 time with a zone, got {raw!r}") from None
    if moment.tzinfo is None:
        raise BadRequest(f"since must carry a time zone (e.g. a trailing Z), got {raw!r}")
    return None, moment.timestamp()


async def events(request: Request) -> Response:
    sandbox = sandbox_param(request)
    q = request.query_params
    since_id, since_time = _since(request)
    wanted = EventFilter(
        account=q.get("account"),
        location=q.get("location"),
        product=q.get("product"),
        type=q.get("type"),
        since_id=since_id,
        since_time=since_time,
        limit=_whole(request, "limit", 1, 1_000_000) or 1000,
    )
    found = await store_of(request).run(partial(reads.events, sandbox=sandbox.incarnation, f=wanted))
    return json_response({"sandbox": sandbox.name, "events": [listed_event(e) for e in found]})


async def queue_log(request: Request) -> Response:
    sandbox = sandbox_param(request)
    integration: str = request.path_params["integration"]
    account = request.query_params.get("account")
    accounts = section(sandbox.scenario).accounts
    if not any(q.id == integration for a in accounts if account in (None, a.id) for q in a.import_queues):
        raise NotFound(f"no import queue {integration!r}" + (f" in account {account!r}" if account else ""))
    log = await store_of(request).run(
        partial(reads.queue_log, sandbox=sandbox.incarnation, queue=integration, account=account)
    )
    return json_response({"sandbox": sandbox.name, "integration": integration, **log})


async def deliveries(request: Request) -> Response:
    sandbox = sandbox_param(request)
    q = request.query_params
    found = await store_of(request).run(
        partial(
            reads.deliveries,
            sandbox=sandbox.incarnation,
            account=q.get("account"),
            export_queue=q.get("export_queue"),
            event_id=_whole(request, "event", 0, 2**62),
        )
    )
    queues = {(a.id, e.id): e for a in section(sandbox.scenario).accounts for e in a.export_queues}
    # A webhook URL may carry its receiver's credential (?token=, user:password@), and an error may quote the URL.
    for delivery in found:
        delivery["url"] = mask_text(delivery["url"])
        if delivery["error"] is not None:
            delivery["error"] = mask_text(delivery["error"])
        export = queues.get((delivery["account"], delivery["export_queue"]))
        delivery["headers"] = {} if export is None else masked_headers(export.headers)
    return json_response({"sandbox": sandbox.name, "deliveries": found})


def masked_headers(headers: dict[str, str]) -> dict[str, str]:
    """An export queue's own headers as the delivery log shows them: every value masked, since they are there to
    authenticate to the receiver, but for an authorization scheme's name (``KachingKey ****``), which says which
    kind was sent."""
    shown: dict[str, str] = {}
    for name, value in headers.items():
        scheme, space, _ = value.partition(" ")
        authorization = name.lower() in ("authorization", "proxy-authorization")
        shown[name] = f"{scheme} {MASK}" if authorization and space else MASK
    return shown


def control_routes() -> list[BaseRoute]:
    return [
        Route("/events", events, methods=["GET"]),
        Route("/queues/{integration}/log", queue_log, methods=["GET"]),
        Route("/deliveries", deliveries, methods=["GET"]),
    ]
