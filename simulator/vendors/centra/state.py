"""Centra's stock and notifications as the control plane shows them (``GET /_sim/state``,
``GET /_sim/centra/notifications``), in Centra's field names and the company's time zone: the store returns the
values (times in UTC), this draws them."""

from __future__ import annotations

import sqlite3
from datetime import tzinfo
from typing import Any

from simulator.domain.centra import StockItem, company_time, company_zone
from simulator.scenarios.centra import plugins as plugins_of
from simulator.scenarios.loaded import LoadedScenario
from simulator.store import centra as items
from simulator.store.layered import World


def state(conn: sqlite3.Connection, world: World, scenario: LoadedScenario, limit: int) -> dict[str, Any]:
    """Per plugin, the first ``limit`` items by stockItemId with stock, cost price and timestamps."""
    plugins = items.state(conn, world, scenario, limit)
    zones = {name: plugin.timezone for name, plugin in plugins_of(scenario).items()}
    return {
        "plugins": {
            name: {
                "timezone": zones[name],
                "items": [_item(i, company_zone(zones[name])) for i in p.items],
                "total": p.total,
                "notifications": p.notifications,
            }
            for name, p in plugins.items()
        }
    }


def notification(n: items.Notification, zone: tzinfo) -> dict[str, Any]:
    c = n.clamp
    return {
        "id": n.id,
        "plugin": n.plugin,
        "at": company_time(n.at, zone),
        "product": c.product,
        "stockItemId": c.stock_item_id,
        "requestedQuantity": c.requested,
        "physicalStock": c.applied,
        "message": (
            f"Stock update for {c.product!r} asked for {c.requested}, below the allocated stock; "
            f"physicalStock was set to allocatedStock ({c.applied})"
        ),
    }


def _item(item: StockItem, zone: tzinfo) -> dict[str, Any]:
    return {
        "stockItemId": item.stock_item_id,
        "ean": item.ean,
        "upc": item.upc,
        "sku": item.sku_key,
        "bundle": item.bundle,
        "physicalStock": item.physical,
        "allocatedStock": item.allocated,
        "availableStock": item.available,
        "costPrice": item.cost_price,
        "costPriceCurrency": item.cost_currency,
        "created": company_time(item.created, zone),
        "modified": company_time(item.modified, zone),
        "stock_modified": company_time(item.stock_modified, zone),
    }
