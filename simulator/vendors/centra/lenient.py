"""A plugin's ``input: lenient`` profile: the numbers and fields a forgiving PHP backend would let through.

Centra does not document how strictly it reads an update. Strict (the default) refuses a quantity written as
``"5"`` or ``5.0`` and an unknown field such as a Get stock record's ``sku``: a client that passes strict passes a
lenient server too. Lenient is the other side, for clients written against forgiving backends (PHP clients reading
numbers from PDO send ``"5"``): a quantity written as a numeric string or an integral float is the whole number it
spells, and fields an update does not have are left out, at the top and in each product. Anything else (``"5.5"``,
``true``, ``"1e3"``) is still refused, by the strict decoding that follows.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from simulator.domain.stock import MAX_QUANTITY
from simulator.numbers import lenient_whole


def relax(data: Any, fields: Collection[str], line_fields: Collection[str]) -> Any:
    """The update body without fields outside ``fields`` (and ``line_fields`` in each product), its quantities read
    as whole numbers where they spell one. A body of the wrong shape is returned as it is, for strict decoding to
    refuse."""
    if not isinstance(data, dict):
        return data
    relaxed = {k: v for k, v in data.items() if k in fields}
    products = relaxed.get("products")
    if isinstance(products, list):
        relaxed["products"] = [_line(p, line_fields) if isinstance(p, dict) else p for p in products]
    return relaxed


def _line(raw: dict[str, Any], fields: Collection[str]) -> dict[str, Any]:
    return {k: (_whole(v) if k == "quantity" else v) for k, v in raw.items() if k in fields}


def _whole(value: Any) -> Any:
    return lenient_whole(value, -MAX_QUANTITY, MAX_QUANTITY)
