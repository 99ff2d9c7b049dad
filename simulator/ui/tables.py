"""Which layered tables hold a vendor's stock: its store part's tables, so a new vendor's rows show without edits
here."""

from __future__ import annotations

from collections.abc import Iterable

from simulator.store.layered import LayeredTable
from simulator.vendors.base import Vendor


def tables_of(vendor: Vendor) -> tuple[LayeredTable, ...]:
    return vendor.store.tables


def all_tables(vendors: Iterable[Vendor]) -> tuple[LayeredTable, ...]:
    return tuple(t for v in vendors for t in tables_of(v))
