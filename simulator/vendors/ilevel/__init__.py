"""i.LEVEL Connect (UK retail/warehouse software): the batch stock upload and its companion reads.
See docs/vendors/ilevel-batch-stock.txt."""

from __future__ import annotations

from simulator.scenarios.loaded import LoadedScenario
from simulator.store import ilevel as stock
from simulator.vendors.base import ApiAccount, Vendor
from simulator.vendors.ilevel import errors
from simulator.vendors.ilevel.control import control_routes
from simulator.vendors.ilevel.routes import routes


def accounts(scenario: LoadedScenario) -> list[ApiAccount]:
    return [
        ApiAccount(
            vendor="ilevel",
            account=tenant.name,
            base_path=f"/ilevel/{tenant.name}",
            auth={"scheme": "basic", "username": tenant.username, "password": tenant.api_key},
            example=f"/api/stock?warehouse_id={tenant.warehouses[0].id}" if tenant.warehouses else "/api/warehouse",
            extra={"warehouses": [w.id for w in tenant.warehouses]},
        )
        for tenant in scenario.spec.ilevel.tenants
    ]


VENDOR = Vendor(
    name="ilevel",
    routes=routes(),
    accounts=accounts,
    state=stock.state,
    store=stock.PART,
    error_response=errors.IlevelError.answer,
    control_routes=control_routes(),
)
