"""Centra (fashion commerce platform): the Order API v1 stock endpoints. See
docs/vendors/centra-update-stock.txt and the Centra part of vendor-facts.md."""

from __future__ import annotations

from simulator.documents import Document
from simulator.masking import Carriers
from simulator.scenarios.centra import PART, section
from simulator.scenarios.loaded import LoadedScenario
from simulator.store import centra as items
from simulator.vendors.base import ApiAccount, Vendor
from simulator.vendors.centra import errors
from simulator.vendors.centra.control import Allocation
from simulator.vendors.centra.control import routes as control_routes
from simulator.vendors.centra.panel import PANEL
from simulator.vendors.centra.routes import routes
from simulator.vendors.centra.state import state
from simulator.vendors.centra.wire import StockUpdateIn


def accounts(scenario: LoadedScenario) -> list[ApiAccount]:
    return [
        ApiAccount(
            vendor="centra",
            account=plugin.name,
            base_path=f"/centra/{plugin.name}",
            auth={"scheme": "header", "header": "API-Authorization", "token": plugin.api_token},
            example="/stock?limit=2",
        )
        for plugin in section(scenario).plugins
    ]


VENDOR = Vendor(
    name="centra",
    routes=routes(),
    # Get stock's records are dicts (wire.py render_item): hand-written.
    openapi=Document("centra", structs=(StockUpdateIn,), base="/centra/{plugin}", account="plugin", vendor="centra"),
    control_structs=(Allocation,),
    credentials=Carriers(headers=frozenset({"api-authorization"})),
    section=PART,
    accounts=accounts,
    state=state,
    store=items.PART,
    error_response=errors.CentraError.answer,
    control_routes=control_routes(),
    panel=PANEL,
)
