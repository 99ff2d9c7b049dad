"""MerchantPro's products as the control plane shows them (``GET /_sim/state``), in MerchantPro's field names: the
store returns the values, this draws them."""

from __future__ import annotations

import sqlite3
from typing import Any

from simulator.domain.merchantpro import Product
from simulator.scenarios.loaded import LoadedScenario
from simulator.scenarios.merchantpro import shops
from simulator.store import merchantpro as products
from simulator.store.layered import World


def state(conn: sqlite3.Connection, world: World, scenario: LoadedScenario, limit: int) -> dict[str, Any]:
    """Per shop, the first ``limit`` products by id with their stock (warehouse id -> stock in MW shops)."""
    found = products.state(conn, world, scenario, limit)
    by_name = shops(scenario)
    return {
        "shops": {
            name: {"products": [_product(p, by_name[name].multi_warehouse) for p in s.products], "total": s.total}
            for name, s in found.items()
        }
    }


def _product(p: Product, multi_warehouse: bool) -> dict[str, Any]:
    drawn: dict[str, Any] = {
        "id": p.id,
        "sku": p.sku,
        "ean": p.ean,
        "inventory_enabled": p.inventory_enabled,
        "stock": p.stock,
    }
    if multi_warehouse:
        drawn["warehouses"] = {str(w.id): w.stock for w in p.warehouses}
    return drawn
