"""A shop's ``input: lenient`` profile: what a forgiving PHP backend would let through a PATCH.

MerchantPro does not document how strictly it reads a body. Strict (the default) refuses ``"5"`` and ``5.0`` where a
whole number is expected, and unknown or read-only fields, with 400: a client that passes strict passes a lenient
server too. Lenient is the other side, for clients written against forgiving backends (PHP clients reading numbers
from PDO send ``"5"``; a client that PATCHes back the record it read sends ``id``, ``sku`` and ``ean``):

- a whole number written as text (``"5"``, ``" 12 "``, ``"3.0"``, ``"-2"`` for ``adjust_by``) or as an integral
  float (``5.0``) is that number, for ``stock``, ``adjust_by`` and a warehouse's ``id`` and ``stock``;
- a price written as text (``"1344.54"``: PDO reads DECIMAL columns as text) is that number;
- unknown fields, and the read-only ones, are left out: ``id``, ``sku``, ``ean`` and, in a shop with the Multi
  Warehouse app, ``stock`` (there it is the warehouses' sum: "stock alteration cannot be done directly using the
  field `stock`"), so a PATCH of the shop's own GET body is accepted.

Anything else (``"5.5"``, ``true``, ``"1e3"``, a negative stock) is still refused by the strict check that follows,
with the same message as in strict.
"""

from __future__ import annotations

import re
from typing import Any

from simulator.numbers import lenient_whole

PRICES = ("price_net", "price_gross", "old_price_net", "old_price_gross")
WRITABLE = ("inventory_enabled", "stock", "warehouses", *PRICES)
READ_ONLY = ("id", "sku", "ean")
_WAREHOUSE_FIELDS = ("id", "name", "stock")
# A price written as text: an optional minus, up to 16 digits, then optionally a point and up to 16 digits.
_DECIMAL_TEXT = re.compile(r"-?[0-9]{1,16}(?:\.[0-9]{1,16})?")


def relax(raw: Any, multi_warehouse: bool) -> Any:
    """The body without the fields lenient leaves out, its numbers read as numbers where they spell one."""
    if type(raw) is not dict:
        return raw
    read_only = (*READ_ONLY, "stock") if multi_warehouse else READ_ONLY
    relaxed: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in WRITABLE or key in read_only:
            continue
        if key == "stock":
            value = _quantity(value)
        elif key == "warehouses" and type(value) is list:
            value = [_warehouse(entry) for entry in value]
        elif key in PRICES:
            value = _decimal(value)
        relaxed[key] = value
    return relaxed


def _warehouse(entry: Any) -> Any:
    if type(entry) is not dict:
        return entry
    kept = {k: v for k, v in entry.items() if k in _WAREHOUSE_FIELDS}
    if "id" in kept:
        kept["id"] = _whole(kept["id"])
    if "stock" in kept:
        kept["stock"] = _quantity(kept["stock"])
    return kept


def _quantity(value: Any) -> Any:
    if type(value) is dict:
        return {"adjust_by": _whole(value["adjust_by"])} if "adjust_by" in value else {}
    return _whole(value)


def _whole(value: Any) -> Any:
    return lenient_whole(value, -(2**53), 2**53)


def _decimal(value: Any) -> Any:
    if type(value) is str and _DECIMAL_TEXT.fullmatch(value.strip()):
        return float(value)
    return value
