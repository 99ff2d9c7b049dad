"""Vendor extras: what a vendor does beyond stock (queues, notifications, forced failures), one panel per vendor.

A vendor without a panel of its own still gets one: each of its GET control endpoints that needs no path
parameter, shown as the tables its answer holds.
"""

from __future__ import annotations

from simulator.ui.extras import centra, ilevel, kaching
from simulator.ui.extras.generic import generic
from simulator.ui.extras.panel import Panel
from simulator.vendors.base import Vendor

OWN = {p.vendor: p for p in (kaching.PANEL, centra.PANEL, ilevel.PANEL)}


def panel_for(vendor: Vendor) -> Panel | None:
    return OWN.get(vendor.name) or generic(vendor)
