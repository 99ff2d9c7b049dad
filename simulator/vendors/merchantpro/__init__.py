"""MerchantPro (e-shop platform): the inventory/stock API v2. See docs/vendors/merchantpro-stock-api.txt."""

from __future__ import annotations

from simulator.documents import Document
from simulator.masking import Carriers
from simulator.scenarios.loaded import LoadedScenario
from simulator.scenarios.merchantpro import PART, section
from simulator.store import merchantpro as products
from simulator.vendors.base import ApiAccount, Vendor
from simulator.vendors.merchantpro import errors
from simulator.vendors.merchantpro.routes import routes
from simulator.vendors.merchantpro.state import state
from simulator.vendors.merchantpro.wire import InventoryPatch, InventoryRecord, WarehouseOut


def accounts(scenario: LoadedScenario) -> list[ApiAccount]:
    return [
        ApiAccount(
            vendor="merchantpro",
            account=shop.name,
            base_path=f"/merchantpro/{shop.name}",
            auth={"scheme": "basic", "username": shop.api_key, "password": shop.api_secret},
            example=f"/api/v2/inventory/id/{shop.products[0].id}" if shop.products else "",
            extra={"multi_warehouse": shop.multi_warehouse, "tax_rate": shop.tax_rate},
        )
        for shop in section(scenario).shops
    ]


VENDOR = Vendor(
    name="merchantpro",
    routes=routes(),
    openapi=Document(
        "merchantpro",
        structs=(InventoryPatch, InventoryRecord),
        sent_as_is=(InventoryRecord, WarehouseOut),
        base="/merchantpro/{shop}",
        account="shop",
        vendor="merchantpro",
    ),
    credentials=Carriers(headers=frozenset({"authorization"})),
    section=PART,
    accounts=accounts,
    state=state,
    store=products.PART,
    error_response=errors.MerchantProError.answer,
)
