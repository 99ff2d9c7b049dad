"""Which documents there are: each registered vendor's own (``Vendor.openapi``), and the control plane's, whose
bodies are the toolkit's Structs and those of the vendors' control endpoints."""

from __future__ import annotations

from collections.abc import Iterable

from simulator.control.toolkit import ClockChange
from simulator.documents import PARTS, Document
from simulator.toolkit.rules import FaultRule, RateLimit, Verification
from simulator.vendors import VENDORS
from simulator.vendors.base import Vendor

__all__ = ["DOCUMENTS", "PARTS", "Document", "documents"]


def documents(vendors: Iterable[Vendor]) -> dict[str, Document]:
    vendors = tuple(vendors)
    control = Document(
        "control",
        structs=(FaultRule, RateLimit, Verification, ClockChange, *(s for v in vendors for s in v.control_structs)),
        guarded=True,
    )
    return {d.name: d for d in (*(v.openapi for v in vendors if v.openapi is not None), control)}


DOCUMENTS = documents(VENDORS)  # the registered vendors' (what openapi/ holds)
