"""Vendor extras: what a vendor does beyond stock (queues, notifications, forced failures), one panel per vendor.

A vendor declares its own panel (``Vendor.panel``); one without still gets one: each of its GET control endpoints
that needs no path parameter, shown as the tables its answer holds.
"""

from __future__ import annotations

import msgspec

from simulator.plane.panel import Panel
from simulator.ui.extras.generic import generic
from simulator.vendors.base import Vendor


class Shown(msgspec.Struct, frozen=True):
    """A vendor's panel on the extras page."""

    vendor: str
    panel: Panel


def panel_for(vendor: Vendor) -> Shown | None:
    panel = vendor.panel or generic(vendor)
    return Shown(vendor.name, panel) if panel is not None else None
