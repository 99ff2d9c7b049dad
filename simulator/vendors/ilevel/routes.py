"""i.LEVEL Connect under a tenant's base ``/ilevel/{tenant}``: POST /api/batchStock, GET /api/warehouse and
GET/POST /api/stock (stock_resource.py). Credentials are checked before the body is read."""

from __future__ import annotations

import logging
import re
from functools import partial

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount

from simulator.auth import basic_matches
from simulator.domain.ilevel import ItemError
from simulator.http import any_method, header, json_response
from simulator.numbers import whole_number
from simulator.sandboxes import Sandbox
from simulator.scenarios.ilevel import Tenant, tenants
from simulator.store import ilevel as store
from simulator.vendors.base import forced_failures, in_sandbox, vendor_body
from simulator.vendors.ilevel import errors, stock_resource, stock_wire, wire
from simulator.vendors.paths import Accounts, resolve, unknown_path

log = logging.getLogger(__name__)
HEX_ID = re.compile(r"^[0-9A-F]{32}$")
MAX_PAGESIZE = 1000
DEFAULT_PAGESIZE = 100
TENANTS = Accounts("tenant", tenants, "no tenant named {!r}")


async def batch_stock(request: Request) -> Response:
    _allow(request, ("POST",))
    sandbox, tenant = _resolve(request)
    _authenticate(request, tenant)
    with stock_resource.tenant_statuses(tenant):
        return await _batch_stock(request, sandbox, tenant)


async def _batch_stock(request: Request, sandbox: Sandbox, tenant: Tenant) -> Response:
    body = await vendor_body(request, errors.PayloadTooLarge)
    # Checked in the order of the doc's error table.
    batch = wire.batch_of(body)
    warehouse = _warehouse(request, tenant)
    items = wire.items_of(batch)
    changes, invalid = wire.parse_items(items, lenient=tenant.input == "lenient")
    # A fault rule's fail_items fail exactly as the scenario's own fail_items do: a plain 12051.
    forced = forced_failures(request)
    forced_positions = {c.position for c in changes if {c.variant_id, c.barcode, c.code} & forced}
    changes = [c for c in changes if c.position not in forced_positions]
    now = stock_wire.stamp(sandbox.clock.now())
    failures = (
        await in_sandbox(
            request,
            sandbox,
            partial(
                store.apply_batch, world=sandbox.world, tenant=tenant, warehouse=warehouse, changes=changes, now=now
            ),
        )
        if changes
        else []
    )
    if not failures and not invalid and not forced_positions:
        return json_response({"allPassed": True, "results": []})
    reasons: dict[int, ItemError] = {p: e for p, e in failures}
    reasons.update({p: ItemError.FAILED_TO_SAVE for p in [*invalid, *forced_positions]})
    for position, why in invalid.items():
        # The vendor's result has no room for why an item could not be read; the server log has.
        log.info("i.LEVEL batch item %d failed with 12051: %s", position, why)
    results = [wire.failed_item(items[p], reasons[p]) for p in sorted(reasons)]
    return errors.SomeItemsFailed(results).response()


async def warehouses(request: Request) -> Response:
    _allow(request, ("GET",))
    _, tenant = _resolve(request)
    _authenticate(request, tenant)
    page, pagesize = _paging(request)
    start = (page - 1) * pagesize
    chosen = tenant.warehouses[start : start + pagesize]
    records = [stock_wire.warehouse_out(tenant, w) for w in chosen]
    return json_response(wire.paged("warehouse", records, page, pagesize, len(tenant.warehouses)))


async def stock(request: Request) -> Response:
    _allow(request, ("GET", "POST"))
    sandbox, tenant = _resolve(request)
    _authenticate(request, tenant)
    with stock_resource.tenant_statuses(tenant):
        if request.method == "GET":
            return await stock_resource.read(request, sandbox, tenant, *_paging(request))
        return await stock_resource.update(request, sandbox, tenant)


def _resolve(request: Request) -> tuple[Sandbox, Tenant]:
    return resolve(request, TENANTS, lambda reason: errors.NotFound(f"Resource not found: {reason}"))


def _signed_in(request: Request) -> None:
    _authenticate(request, _resolve(request)[1])


def _allow(request: Request, allowed: tuple[str, ...]) -> None:
    if request.method not in allowed:
        raise errors.MethodNotAllowed(request.method, allowed)


def _authenticate(request: Request, tenant: Tenant) -> None:
    if not basic_matches(header(request, b"authorization"), tenant.username, tenant.api_key):
        raise errors.Unauthorized()


def _warehouse(request: Request, tenant: Tenant) -> str:
    warehouse = request.query_params.get("warehouse_id")
    if not warehouse:
        raise errors.MissingWarehouseId()
    # Ids are matched exactly: a lower-case spelling of a real id is a warehouse that does not exist.
    if not HEX_ID.match(warehouse) or all(w.id != warehouse for w in tenant.warehouses):
        raise errors.WarehouseNotFound(warehouse)
    return warehouse


def _paging(request: Request) -> tuple[int, int]:
    return _positive(request, "page", 1, 1_000_000), _positive(request, "pagesize", DEFAULT_PAGESIZE, MAX_PAGESIZE)


def _positive(request: Request, name: str, default: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    value = whole_number(raw, 1, high)
    if value is None:
        raise errors.BadQuery(f"Invalid query parameter {name}: expected a whole number from 1 to {high}, got {raw!r}")
    return value


def routes() -> list[BaseRoute]:
    return [
        Mount(
            "/ilevel/{tenant}",
            routes=[
                any_method("/api/batchStock", batch_stock),
                any_method("/api/warehouse", warehouses),
                any_method("/api/stock", stock),
                unknown_path(_signed_in, lambda request: errors.NotFound()),
            ],
        ),
    ]
