"""/_sim/ilevel/fail-items: force chosen items to fail with 12051 "Failed to save item", per sandbox.

``POST`` adds ``{"tenant", "warehouse"?, "items": [{"variant_id" | "barcode" | "code": ...}]}`` (without a
warehouse: in every warehouse); ``GET ?tenant=`` lists the scenario's and the added ones; ``DELETE ?tenant=``
forgets the added ones. Resetting the sandbox forgets them too.
"""

from __future__ import annotations

import sqlite3
from functools import partial

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from simulator.domain.ilevel import ItemChange
from simulator.http import json_response
from simulator.plane.errors import BadRequest, NotFound
from simulator.plane.params import control_body, decoded, sandbox_param
from simulator.sandboxes import Sandbox
from simulator.scenarios.ilevel import Tenant, tenants
from simulator.store import ilevel as store
from simulator.store.layered import World
from simulator.vendors.base import store_of


class Ref(msgspec.Struct, forbid_unknown_fields=True):
    variant_id: str | None = None
    barcode: str | None = None
    code: str | None = None


class FailRequest(msgspec.Struct, forbid_unknown_fields=True):
    tenant: str
    items: list[Ref]
    warehouse: str | None = None


def _tenant(sandbox: Sandbox, name: str | None) -> Tenant:
    if not name:
        raise BadRequest("expected ?tenant=NAME")
    tenant = tenants(sandbox.scenario).get(name)
    if tenant is None:
        raise NotFound(f"no i.LEVEL tenant named {name!r} in sandbox {sandbox.name!r}")
    return tenant


def _listing(conn: sqlite3.Connection, world: World, tenant: str) -> dict[str, object]:
    fails = store.list_fails(conn, world, tenant)
    return {"tenant": tenant, "fail_items": [{"variant_id": v, "warehouse": w or None} for v, w in fails]}


async def fail_items(request: Request) -> Response:
    sandbox = sandbox_param(request)
    run = store_of(request).run
    if request.method == "POST":
        return await _add(request, sandbox)
    tenant = _tenant(sandbox, request.query_params.get("tenant"))
    if request.method == "DELETE":
        await run(partial(store.clear_fails, world=sandbox.world, tenant=tenant.name))
    return json_response(await run(partial(_listing, world=sandbox.world, tenant=tenant.name)))


async def _add(request: Request, sandbox: Sandbox) -> Response:
    wanted = decoded(await control_body(request), FailRequest)
    tenant = _tenant(sandbox, wanted.tenant)
    warehouse = wanted.warehouse or ""
    if warehouse and all(w.id != warehouse for w in tenant.warehouses):
        raise BadRequest(f"no warehouse with id {warehouse!r} in tenant {tenant.name!r}")
    world = sandbox.world

    def work(conn: sqlite3.Connection) -> dict[str, object]:
        variants = []
        for i, ref in enumerate(wanted.items):
            given = [v for v in (ref.variant_id, ref.barcode, ref.code) if v is not None]
            if len(given) != 1:
                raise BadRequest(f"items[{i}]: expected exactly one of variant_id, barcode or code")
            change = ItemChange(i, ref.variant_id, ref.barcode, ref.code)
            variant = store.find_variant(conn, world, tenant, change)
            if variant is None:
                raise BadRequest(f"items[{i}]: no variant with {given[0]!r} in tenant {tenant.name!r}")
            variants.append(variant)
        store.add_fails(conn, world, tenant.name, warehouse, variants)
        return _listing(conn, world, tenant.name)

    return json_response(await store_of(request).run(work))


def control_routes() -> list[BaseRoute]:
    return [Route("/fail-items", fail_items, methods=["GET", "POST", "DELETE"])]
