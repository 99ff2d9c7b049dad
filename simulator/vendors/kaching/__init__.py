"""Ka-ching (POS): the stock import integration. See docs/vendors/ka-ching-stock-import.txt."""

from __future__ import annotations

from urllib.parse import urlencode

from simulator.documents import Document
from simulator.masking import Carriers
from simulator.scenarios.kaching import PART, section
from simulator.scenarios.loaded import LoadedScenario
from simulator.store import kaching as stock
from simulator.vendors.base import ApiAccount, Vendor
from simulator.vendors.kaching import errors
from simulator.vendors.kaching.control import control_routes
from simulator.vendors.kaching.events import KachingEvent, WebhookStockEvent
from simulator.vendors.kaching.panel import PANEL
from simulator.vendors.kaching.routes import routes
from simulator.vendors.kaching.state import state
from simulator.vendors.kaching.worker import background


def accounts(scenario: LoadedScenario) -> list[ApiAccount]:
    """One entry per import queue, signing in with its first API key; ``apikeys`` lists every key it takes."""
    return [
        ApiAccount(
            vendor="ka-ching",
            account=account.id,
            base_path="/ka-ching",
            auth={"scheme": "query", "account": account.id, "integration": q.id, "apikey": q.keys[0]},
            example="/imports/stock?" + urlencode({"account": account.id, "integration": q.id, "apikey": q.keys[0]}),
            extra={
                "integration": q.id,
                "apikeys": list(q.keys),
                "stock_locations": [loc.id for loc in account.stock_locations],
                "processing_delay": account.processing_delay,
            },
        )
        for account in section(scenario).accounts
        for q in account.import_queues
    ]


def webhooks(scenario: LoadedScenario) -> list[str]:
    return [q.webhook_url for account in section(scenario).accounts for q in account.export_queues]


VENDOR = Vendor(
    name="ka-ching",
    routes=routes(),
    # The import body is decoded untyped (see wire.py): its schema is hand-written. The webhook's is the Struct's.
    openapi=Document(
        "ka-ching",
        structs=(WebhookStockEvent,),
        sent_as_is=(WebhookStockEvent,),
        base="/ka-ching",
        vendor="ka-ching",
    ),
    credentials=Carriers(query=frozenset({"apikey"})),
    section=PART,
    accounts=accounts,
    state=state,
    store=stock.PART,
    error_response=errors.KachingError.answer,
    account_query="account",
    control_routes=control_routes(),
    panel=PANEL,
    control_structs=(KachingEvent,),
    background=background,
    outbound_urls=webhooks,
)
