"""i.LEVEL Connect (UK retail/warehouse software): the batch stock upload and its companion reads.
See docs/vendors/ilevel-batch-stock.txt."""

from __future__ import annotations

from simulator.documents import Document
from simulator.masking import Carriers
from simulator.scenarios.ilevel import PART, section
from simulator.scenarios.loaded import LoadedScenario
from simulator.store import ilevel as stock
from simulator.vendors.base import ApiAccount, Vendor
from simulator.vendors.ilevel import errors
from simulator.vendors.ilevel.control import FailRequest, control_routes
from simulator.vendors.ilevel.panel import PANEL
from simulator.vendors.ilevel.routes import routes
from simulator.vendors.ilevel.state import state
from simulator.vendors.ilevel.stock_wire import StockItemIn, StockRecordOut
from simulator.vendors.ilevel.stock_wire import WarehouseOut as IlevelWarehouse
from simulator.vendors.ilevel.wire import ItemIn


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
        for tenant in section(scenario).tenants
    ]


VENDOR = Vendor(
    name="ilevel",
    routes=routes(),
    openapi=Document(
        "ilevel",
        structs=(ItemIn, StockItemIn, StockRecordOut, IlevelWarehouse),
        sent_as_is=(StockRecordOut, IlevelWarehouse),
        base="/ilevel/{tenant}",
        account="tenant",
        vendor="ilevel",
    ),
    control_structs=(FailRequest,),
    credentials=Carriers(headers=frozenset({"authorization"})),
    section=PART,
    accounts=accounts,
    state=state,
    store=stock.PART,
    error_response=errors.IlevelError.answer,
    control_routes=control_routes(),
    panel=PANEL,
)
