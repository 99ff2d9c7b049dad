"""i.LEVEL's stock and forced failures as the control plane shows them (``GET /_sim/state``), in i.LEVEL's field
names: the store returns the values, this draws them."""

from __future__ import annotations

import sqlite3
from typing import Any

from simulator.scenarios.ilevel import tenants
from simulator.scenarios.loaded import LoadedScenario
from simulator.store import ilevel as stock
from simulator.store.ilevel import TenantState
from simulator.store.layered import World


def state(conn: sqlite3.Connection, world: World, scenario: LoadedScenario, limit: int) -> dict[str, Any]:
    """Per tenant and warehouse, the first ``limit`` stock records by variant id; and the forced failures."""
    found = stock.state(conn, world, scenario, limit)
    by_name = tenants(scenario)
    return {
        "tenants": {name: _tenant(s, {w.id: w.name for w in by_name[name].warehouses}) for name, s in found.items()}
    }


def _tenant(s: TenantState, names: dict[str, str]) -> dict[str, Any]:
    warehouses = {
        wid: {
            "name": names[wid],
            "stock": [
                {"variant_id": v, "inStock": lv.in_stock, "demand": lv.demand, "supply": lv.supply} for v, lv in w.stock
            ],
            "total": w.total,
        }
        for wid, w in s.warehouses.items()
    }
    fails = [{"variant_id": v, "warehouse": w or None} for v, w in s.fails]
    return {"warehouses": warehouses, "fail_items": fails}
