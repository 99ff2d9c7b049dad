"""Ka-ching's stock import endpoint: POST and DELETE {base}/imports/stock?account=&integration=&apikey=, and the
GET {base}/info health check public clients ping."""

from __future__ import annotations

import asyncio
import sqlite3
from functools import partial

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount

from simulator.auth import same_secret
from simulator.domain.kaching import Kind, StockEvent, StockValue
from simulator.http import any_method, json_response
from simulator.sandboxes import Sandbox
from simulator.scenarios.kaching import Account, accounts
from simulator.store import kaching_queue as queue
from simulator.store.kaching_queue import Access
from simulator.vendors.base import (
    client_of,
    forced_failures,
    in_sandbox,
    settings_of,
    vendor_body,
    vendor_sandbox,
)
from simulator.vendors.kaching import errors
from simulator.vendors.kaching.wire import decode_import
from simulator.vendors.kaching.worker import Runtime, now_of
from simulator.vendors.paths import unknown_path

ALLOWED = ("POST", "DELETE")
# Past these, an import is decoded on a worker thread and applied on the store's thread (tens of ms and more).
BULK_BYTES = 64 * 1024
BULK_VALUES = 1000
# Compared against when the account or queue is unknown, so timing does not tell which part was wrong.
_NO_KEY = "\0no-such-import-queue"


async def stock_import(request: Request) -> Response:
    sandbox = _sandbox(request)
    if request.method not in ALLOWED:
        raise errors.MethodNotAllowed(request.method, ALLOWED)
    account, integration = _authenticate(request, sandbox)
    try:
        kind: Kind = "removal" if request.method == "DELETE" else "adjustment" if _adjustment(request) else "reset"
        body = await vendor_body(request, errors.PayloadTooLarge, errors.UnsupportedMediaType)
        decode = partial(
            decode_import,
            body,
            {loc.id for loc in account.stock_locations},
            settings_of(request).kaching_import_values,
            lenient=account.input == "lenient",
        )
        # Walking a large body takes longer than a request may hold the event loop.
        values = await asyncio.to_thread(decode) if len(body) > BULK_BYTES else decode()
    except errors.KachingError as exc:
        access = Access(
            account.id, integration, request.method, client_of(request), exc.status_code, now_of(sandbox).iso
        )
        await in_sandbox(request, sandbox, partial(queue.record_access, world=sandbox.world, access=access))
        raise
    runtime: Runtime = request.app.state.kaching
    now = now_of(sandbox)

    def work(conn: sqlite3.Connection) -> list[StockEvent]:
        queue.record_access(
            conn, sandbox.world, Access(account.id, integration, request.method, client_of(request), 200, now.iso)
        )
        queue.enqueue(conn, sandbox.world, account, integration, kind, values, now.time, forced_failures(request))
        # Without a delay the import is applied in the same transaction: no later request can see it pending.
        if account.processing_delay:
            return []
        settings = settings_of(request)
        return queue.apply_due(
            conn, sandbox.world, sandbox.scenario, now, settings.kaching_log_entries, settings.kaching_events
        )

    events = await in_sandbox(request, sandbox, work, bulk=len(values) > BULK_VALUES)
    runtime.dispatch(sandbox, events)
    if account.processing_delay:
        runtime.wake()
    return json_response({"status": "OK", "message": _initiated(values)})


async def info(request: Request) -> Response:
    _sandbox(request)
    if request.method not in ("GET", "HEAD"):
        raise errors.MethodNotAllowed(request.method, ("GET", "HEAD"))
    return json_response({"status": "OK", "message": "Ka-ching import API (stock-api-simulator)"})


def _initiated(values: list[StockValue]) -> str:
    return f"Import of {len(values)} stock value(s) initiated"


def _sandbox(request: Request) -> Sandbox:
    return vendor_sandbox(request, lambda reason: errors.NotFound(f"Not found: {reason}"))


def _authenticate(request: Request, sandbox: Sandbox) -> tuple[Account, str]:
    params = request.query_params
    account = accounts(sandbox.scenario).get(params.get("account", ""))
    integration = params.get("integration", "")
    keys: tuple[str, ...] = (_NO_KEY,)
    if account is not None:
        keys = next((q.keys for q in account.import_queues if q.id == integration), keys)
    given = params.get("apikey", "")
    # Every key is compared, so timing does not tell which of them (or whether any) was close.
    matches = [same_secret(given, key) for key in keys]
    if not any(matches) or account is None or keys == (_NO_KEY,):
        raise errors.Unauthorized()
    return account, integration


def _adjustment(request: Request) -> bool:
    raw = request.query_params.get("adjustment")
    if raw is None or raw == "false":
        return False
    if raw == "true":
        return True
    # A client sending adjustment=1 most likely means true; refusing tells it so instead of resetting counts.
    raise errors.BadRequest(f"The adjustment query parameter must be true or false, got {raw!r}", "adjustment")


def routes() -> list[BaseRoute]:
    return [
        Mount(
            "/ka-ching",
            routes=[
                any_method("/imports/stock", stock_import),
                any_method("/info", info),
                unknown_path(_sandbox, lambda request: errors.NotFound(f"Not found: {request.url.path}")),
            ],
        ),
    ]
