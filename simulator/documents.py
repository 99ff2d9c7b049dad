"""What an OpenAPI document is made of (simulator/openapi builds and serves them): a vendor declares its own
(``Vendor.openapi``), the control plane's is declared in simulator/openapi/catalog.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import msgspec

PARTS = Path(__file__).parent / "openapi" / "parts"


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
