"""Which layered tables hold a vendor's stock: the ``TABLES`` of the store module that its ``state`` function comes
from (every vendor's state reader lives beside its tables), so a new vendor's rows show without edits here."""

from __future__ import annotations

import sys

from simulator.store.layered import LayeredTable
from simulator.vendors import VENDORS
from simulator.vendors.base import Vendor


def tables_of(vendor: Vendor) -> tuple[LayeredTable, ...]:
    module = sys.modules.get(vendor.state.__module__)
    found = getattr(module, "TABLES", ())
    return tuple(t for t in found if isinstance(t, LayeredTable))


def all_tables() -> tuple[LayeredTable, ...]:
    return tuple(t for v in VENDORS for t in tables_of(v))


def vendor_named(name: str | None) -> Vendor | None:
    return next((v for v in VENDORS if v.name == name), None)
