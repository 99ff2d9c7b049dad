"""i.LEVEL's stock resource: a stock record as ``GET /api/stock`` lists it, the variant it points at, and the ids
the simulator makes up where a scenario gives none.

The vendor's records carry 32-hex ids like every other i.LEVEL entity. A record is one (warehouse, variant) pair
for as long as it exists, so its id is derived from that pair: the same record has the same id in every sandbox
and after every update, and a client can post a record it read back without the id meaning anything.
"""

from __future__ import annotations

import hashlib
import math

import msgspec

from simulator.domain.ilevel import Levels


class VariantInfo(msgspec.Struct, frozen=True):
    """What ``stock_variant`` shows of a variant and its product."""

    id: str
    product_id: str
    product_code: str
    product_title: str
    code: str | None = None
    barcode: str | None = None
    colour: str = ""
    size: str = ""
    sequence: int = 1
    detail: str = ""
    vatable: bool = True
    rrp: float = 0.0


class StockRecord(msgspec.Struct, frozen=True):
    warehouse: str
    variant: str
    levels: Levels
    last_update: str  # "YYYY-MM-DDTHH:MM:SS", as the vendor writes it


class StockPage(msgspec.Struct, frozen=True):
    found: int  # every record the filters match, not only this page's
    records: list[StockRecord]


def derived_id(kind: str, *parts: str) -> str:
    """A stable 32-hex id for an entity the scenario does not name (a record, a company, a variant's own product)."""
    return hashlib.md5("\x1f".join((kind, *parts)).encode(), usedforsecurity=False).hexdigest().upper()


def record_id(warehouse: str, variant: str) -> str:
    return derived_id("stock", warehouse, variant)


def own_product(variant_id: str, code: str | None, name: str | None) -> tuple[str, str, str]:
    """(id, code, title) of the product of a variant that names none: the variant is its only variant, so the
    product is coded and titled like it."""
    label = code or variant_id
    return derived_id("product", variant_id), label, name or label


def page_count(found: int, pagesize: int) -> int:
    return math.ceil(found / pagesize)
