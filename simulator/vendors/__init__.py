"""The emulated vendors. Adding one: a package shaped like merchantpro/, then its VENDOR in this tuple."""

from __future__ import annotations

from simulator.vendors import centra, ilevel, kaching, merchantpro
from simulator.vendors.base import Vendor

VENDORS: tuple[Vendor, ...] = (merchantpro.VENDOR, kaching.VENDOR, ilevel.VENDOR, centra.VENDOR)
