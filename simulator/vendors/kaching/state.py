"""Ka-ching's stock as the control plane shows them (``GET /_sim/state``), in Ka-ching's terms: the store returns the
values, this draws them."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from simulator.scenarios.kaching import StockLocation, accounts
from simulator.scenarios.loaded import LoadedScenario
from simulator.store import kaching as stock
from simulator.store.kaching import AccountState
from simulator.store.layered import World


def state(conn: sqlite3.Connection, world: World, scenario: LoadedScenario, limit: int) -> dict[str, Any]:
    """Per account and location, product -> count, or product -> {variant -> count}; the first ``limit`` records
    per account in id order, and how many imports still wait in the account's queues."""
    found = stock.state(conn, world, scenario, limit)
    by_id = accounts(scenario)
    return {"accounts": {account: _account(s, by_id[account].stock_locations) for account, s in found.items()}}


def _account(s: AccountState, declared: Sequence[StockLocation]) -> dict[str, Any]:
    # The scenario's locations first, each with its name, even when it holds no stock yet.
    locations: dict[str, Any] = {loc.id: {"name": loc.name, "stock": {}} for loc in declared}
    for r in s.records:
        held = locations.setdefault(r.location, {"name": None, "stock": {}})["stock"]
        if r.variant is not None:
            held.setdefault(r.product, {})[r.variant] = r.value
        else:
            held[r.product] = r.value
    return {"locations": locations, "records": s.total, "pending_imports": s.pending_imports}
