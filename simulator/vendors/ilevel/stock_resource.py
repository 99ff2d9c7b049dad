"""i.LEVEL's stock resource, ``/api/stock``: GET lists the stock records in the user's scope, POST updates one item.

GET (the vendor's stock page): every record of the tenant, optionally only those of one warehouse (``warehouse_id``)
or of one variant (``variant_id``, ``barcode`` or ``code``, as a batch item names it); the filters are inferred.
Records come in the order they were created, paged by ``page`` and ``pagesize`` (see store/ilevel_stock.py).

POST (inferred: the batch page's first line says the stock resource updates "one item at a time", but its method
and body are not public): one batch item, or a record read back, in the warehouse of ``warehouse_id`` or of the
item's ``fk_warehouse``. It is answered as a batch of one is, and a tenant can switch it off
(``single_item_update``), since the real service may not take it.

The handlers get the tenant already resolved and authenticated (routes.py).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

import msgspec
from msgspec import UNSET
from starlette.requests import Request
from starlette.responses import Response

from simulator.domain.ilevel import ItemChange, ItemError
from simulator.domain.ilevel_stock import StockPage
from simulator.http import json_response
from simulator.jsonbody import MalformedJson, decode_json
from simulator.sandboxes import Sandbox
from simulator.scenarios.ilevel import Tenant
from simulator.store import ilevel as store
from simulator.store import ilevel_stock
from simulator.vendors.base import forced_failures, in_sandbox, vendor_body
from simulator.vendors.ilevel import errors, wire
from simulator.vendors.ilevel.lenient import relax
from simulator.vendors.ilevel.stock_wire import StockItemIn, record_out, stamp, variant_out, warehouse_out

log = logging.getLogger(__name__)
_encoder = msgspec.json.Encoder()
_STOCK_ITEM_FIELDS = frozenset(StockItemIn.__struct_encode_fields__)

# The batch errors whose HTTP status the vendor does not document: a tenant's batch_error_status sets it.
_UNDOCUMENTED_STATUS = frozenset({12001, 12002, 12003, 12004, 12005})


@contextmanager
def tenant_statuses(tenant: Tenant) -> Iterator[None]:
    """Errors 12001-12005 raised inside take the tenant's ``batch_error_status``."""
    try:
        yield
    except errors.IlevelError as exc:
        if exc.code in _UNDOCUMENTED_STATUS:
            exc.status_code = tenant.batch_error_status
        raise


def warehouse_filter(request: Request, tenant: Tenant) -> str | None:
    warehouse = request.query_params.get("warehouse_id")
    if warehouse is None:
        return None
    _known_warehouse(tenant, warehouse)
    return warehouse


async def read(request: Request, sandbox: Sandbox, tenant: Tenant, page: int, pagesize: int) -> Response:
    warehouse = warehouse_filter(request, tenant)
    query = request.query_params
    lookup = ItemChange(-1, query.get("variant_id"), query.get("barcode"), query.get("code"))
    world = sandbox.world
    offset = (page - 1) * pagesize

    warehouses = {w.id: warehouse_out(tenant, w) for w in tenant.warehouses}

    def work(conn: sqlite3.Connection) -> bytes:
        if lookup.variant_id is None and lookup.barcode is None and lookup.code is None:
            found = ilevel_stock.page(conn, world, tenant.name, warehouse, offset, pagesize)
        else:
            variant = store.find_variant(conn, world, tenant, lookup)
            places = [warehouse] if warehouse is not None else [w.id for w in tenant.warehouses]
            matched = ilevel_stock.records(conn, world, tenant.name, [(w, variant) for w in places]) if variant else []
            found = StockPage(len(matched), matched[offset : offset + pagesize])
        infos = ilevel_stock.variants(conn, world, tenant.name, [r.variant for r in found.records])
        variants = {v: variant_out(info) for v, info in infos.items()}
        records = [record_out(r, warehouses[r.warehouse], variants[r.variant]) for r in found.records]
        return _encoder.encode(wire.paged("stock", records, page, pagesize, found.found))

    # A page of 1,000 records is milliseconds of SQLite and of building and encoding the records: all of it on the
    # store's thread, so the event loop only hands the bytes on.
    body = await in_sandbox(request, sandbox, work, bulk=True)  # it may write: a first listing orders the records
    return Response(body, media_type="application/json")


async def update(request: Request, sandbox: Sandbox, tenant: Tenant) -> Response:
    if not tenant.single_item_update:
        raise errors.MethodNotAllowed(request.method, ("GET",))
    body = await vendor_body(request, errors.PayloadTooLarge)
    try:
        raw = decode_json(body)
    except MalformedJson:
        raw = None
    if not isinstance(raw, dict):
        raise errors.BadQuery("Expected one stock item as a JSON object in the body")
    query_warehouse = request.query_params.get("warehouse_id")
    try:
        item = msgspec.convert(relax(raw, _STOCK_ITEM_FIELDS) if tenant.input == "lenient" else raw, StockItemIn)
    except msgspec.ValidationError as exc:
        if query_warehouse is not None:
            _known_warehouse(tenant, query_warehouse)
        return _failed(raw, ItemError.FAILED_TO_SAVE, str(exc))
    body_warehouse = None if item.fk_warehouse is UNSET else item.fk_warehouse
    warehouse = query_warehouse or body_warehouse
    if not warehouse:
        raise errors.MissingWarehouseId()
    _known_warehouse(tenant, warehouse)
    if body_warehouse is not None and body_warehouse != warehouse:
        return _failed(raw, ItemError.FAILED_TO_SAVE, "fk_warehouse is not the warehouse_id of the query")
    variant_id = _opt(item.variant_id)
    if item.fk_variant is not UNSET and variant_id not in (None, item.fk_variant):
        return _failed(raw, ItemError.VARIANT_NOT_FOUND, "variant_id and fk_variant name different variants")
    change = ItemChange(
        position=0,
        variant_id=variant_id if variant_id is not None else _opt(item.fk_variant),
        barcode=_opt(item.barcode),
        code=_opt(item.code),
        in_stock=_opt(item.in_stock),
        demand=_opt(item.demand),
        supply=_opt(item.supply),
    )
    if {change.variant_id, change.barcode, change.code} & forced_failures(request):
        return _failed(raw, ItemError.FAILED_TO_SAVE, "a fault rule fails this item")
    now = stamp(sandbox.clock.now())
    failures = await in_sandbox(
        request,
        sandbox,
        partial(store.apply_batch, world=sandbox.world, tenant=tenant, warehouse=warehouse, changes=[change], now=now),
    )
    if failures:
        return _failed(raw, failures[0][1])
    return json_response({"allPassed": True, "results": []})


def _failed(raw: dict[str, Any], error: ItemError, why: str | None = None) -> Response:
    if why is not None:
        # The vendor's result has no room for the reason; the server log has.
        log.info("i.LEVEL stock item failed with %d %s: %s", error.value, error.message, why)
    return errors.SomeItemsFailed([wire.failed_item(raw, error)]).response()


def _known_warehouse(tenant: Tenant, warehouse: str) -> None:
    # Ids are matched exactly: a lower-case spelling of a real id is a warehouse that does not exist.
    if all(w.id != warehouse for w in tenant.warehouses):
        raise errors.WarehouseNotFound(warehouse)


def _opt(value: Any) -> Any:
    return None if value is UNSET else value
