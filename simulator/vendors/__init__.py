"""The registry of emulated vendors. Adding one: a package shaped like merchantpro/, then its VENDOR in this tuple.
The core iterates over the vendors an app is given (create_app's ``vendors``, by default these) and never names one."""

from __future__ import annotations

from simulator.scenarios.model import Parts
from simulator.store.part import Schema
from simulator.vendors import centra, ilevel, kaching, merchantpro
from simulator.vendors.base import Vendor

VENDORS: tuple[Vendor, ...] = (merchantpro.VENDOR, kaching.VENDOR, ilevel.VENDOR, centra.VENDOR)
SCHEMA = Schema.of([v.store for v in VENDORS])
# The sections a scenario read outside an app (`stocksim validate`, the OpenAPI build, a test) may hold.
PARTS: Parts = tuple(v.section for v in VENDORS)
