"""The emulated vendors. Adding one: a package shaped like merchantpro/, then its VENDOR in this tuple."""

from __future__ import annotations

from simulator.vendors import centra, ilevel, merchantpro
from simulator.vendors.base import Vendor

VENDORS: tuple[Vendor, ...] = (merchantpro.VENDOR, ilevel.VENDOR, centra.VENDOR)
