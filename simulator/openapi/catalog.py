"""Which documents there are, and for each: its hand-written part, the Structs behind its bodies, and where its
API lives below a sandbox's root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import msgspec

from simulator.control.toolkit import ClockChange
from simulator.toolkit.rules import FaultRule, RateLimit, Verification
from simulator.vendors.centra.control import Allocation
from simulator.vendors.centra.wire import StockUpdateIn
from simulator.vendors.ilevel.control import FailRequest
from simulator.vendors.ilevel.stock_wire import StockItemIn, StockRecordOut
from simulator.vendors.ilevel.stock_wire import WarehouseOut as IlevelWarehouse
from simulator.vendors.ilevel.wire import ItemIn
from simulator.vendors.merchantpro.wire import InventoryPatch, InventoryRecord, WarehouseOut

PARTS = Path(__file__).parent / "parts"


@dataclass(frozen=True)
class Document:
    name: str  # openapi/<name>.yaml, /_sim/openapi/<name>.json
    # The Structs that decode request bodies and encode responses; their schemas become components.schemas.
    structs: tuple[type[msgspec.Struct], ...] = ()
    # Structs the simulator encodes as they are: a response built from one carries no field the Struct lacks.
    sent_as_is: tuple[type[msgspec.Struct], ...] = ()
    # Where the API lives below a sandbox's root; `{account}` (named by `account`) is one of the vendor's accounts.
    base: str = ""
    account: str | None = None
    vendor: str | None = None  # the Vendor whose accounts fill `account`
    # Operations answer the control token's 401 (simulator/control/guard.py) unless the guard leaves them open.
    guarded: bool = False
    folder: Path = PARTS  # where the part is: <folder>/<name>.yaml

    @property
    def part(self) -> Path:
        return self.folder / f"{self.name}.yaml"


DOCUMENTS: dict[str, Document] = {
    d.name: d
    for d in (
        Document(
            "merchantpro",
            structs=(InventoryPatch, InventoryRecord),
            sent_as_is=(InventoryRecord, WarehouseOut),
            base="/merchantpro/{shop}",
            account="shop",
            vendor="merchantpro",
        ),
        # The import body is decoded untyped (see vendors/kaching/wire.py): its schema is hand-written.
        Document("ka-ching", base="/ka-ching", vendor="ka-ching"),
        Document(
            "ilevel",
            structs=(ItemIn, StockItemIn, StockRecordOut, IlevelWarehouse),
            sent_as_is=(StockRecordOut, IlevelWarehouse),
            base="/ilevel/{tenant}",
            account="tenant",
            vendor="ilevel",
        ),
        # Get stock's records are dicts (vendors/centra/wire.py render_item): hand-written.
        Document("centra", structs=(StockUpdateIn,), base="/centra/{plugin}", account="plugin", vendor="centra"),
        Document(
            "control",
            structs=(FaultRule, RateLimit, Verification, ClockChange, FailRequest, Allocation),
            guarded=True,
        ),
    )
}
