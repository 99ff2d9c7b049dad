"""Centra's control endpoints under /_sim/centra/: what orders would do to stock, and what admins would be told.

- ``GET /_sim/centra/notifications?sandbox=&plugin=``: the clamps Centra would email an administrator about.
- ``POST /_sim/centra/allocations?sandbox=``: ``{"plugin", "product" | "stockItemId", "allocate" | "release" |
  "ship": n}`` moves allocated stock as orders do (``ship`` also takes the units out of physical stock).
"""

from __future__ import annotations

from datetime import UTC
from functools import partial
from typing import Annotated, Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from simulator.domain import centra as rules
from simulator.domain.errors import InvalidChange
from simulator.domain.errors import NotFound as ItemNotFound
from simulator.domain.stock import MAX_QUANTITY
from simulator.http import json_response
from simulator.plane.errors import BadRequest, Conflict, NotFound
from simulator.plane.params import control_body, decoded, sandbox_param
from simulator.scenarios.centra import plugins
from simulator.store import centra as items
from simulator.vendors.base import store_of
from simulator.vendors.centra.state import notification
from simulator.vendors.centra.wire import render_item

Count = Annotated[int, msgspec.Meta(ge=1, le=MAX_QUANTITY)]


class Allocation(msgspec.Struct, forbid_unknown_fields=True, rename="camel"):
    plugin: str
    product: str | None = None
    stock_item_id: Annotated[int, msgspec.Meta(ge=1, le=2**63 - 1)] | None = None
    allocate: Count | None = None
    release: Count | None = None
    ship: Count | None = None


async def notifications(request: Request) -> Response:
    sandbox = sandbox_param(request)
    plugin = request.query_params.get("plugin")
    if plugin is not None and plugin not in plugins(sandbox.scenario):
        raise NotFound(f"no Centra plugin named {plugin!r}")
    found = await store_of(request).run(partial(items.notifications, sandbox=sandbox.incarnation, plugin=plugin))
    zones = {name: rules.company_zone(p.timezone) for name, p in plugins(sandbox.scenario).items()}
    shown = [notification(n, zones.get(n.plugin, UTC)) for n in found]
    return json_response({"sandbox": sandbox.name, "notifications": shown})


async def allocations(request: Request) -> Response:
    sandbox = sandbox_param(request)
    order = decoded(await control_body(request), Allocation)
    if order.plugin not in plugins(sandbox.scenario):
        raise NotFound(f"no Centra plugin named {order.plugin!r}")
    if (order.product is None) == (order.stock_item_id is None):
        raise BadRequest("give exactly one of product (an EAN or sku+variantSku+sizeSku) and stockItemId")
    moves = [(name, n) for name, n in (("allocate", order.allocate), ("release", order.release), ("ship", order.ship))]
    given = [(name, n) for name, n in moves if n is not None]
    if len(given) != 1:
        raise BadRequest("give exactly one of allocate, release and ship (a whole number from 1)")
    name, quantity = given[0]
    assert quantity is not None
    move = {"allocate": rules.allocate, "release": rules.release, "ship": rules.ship}[name]
    now = rules.timestamp(sandbox.clock.now())

    def change(item: rules.StockItem) -> rules.StockItem:
        return move(item, quantity, now)

    try:
        item = await store_of(request).run(
            partial(
                items.change_item,
                world=sandbox.world,
                plugin=order.plugin,
                product=order.product,
                stock_item_id=order.stock_item_id,
                change=change,
            )
        )
    except ItemNotFound as exc:
        raise NotFound(exc.message) from None
    except InvalidChange as exc:
        raise Conflict(exc.message) from None
    return json_response({"sandbox": sandbox.name, "plugin": order.plugin, "item": _summary(item)})


def _summary(item: rules.StockItem) -> dict[str, Any]:
    record = render_item(item, exclude_physical=False)
    return {key: record[key] for key in ("stockItemId", "ean", "physicalStock", "allocatedStock", "availableStock")}


def routes() -> list[BaseRoute]:
    return [
        Route("/notifications", notifications, methods=["GET"]),
        Route("/allocations", allocations, methods=["POST"]),
    ]
