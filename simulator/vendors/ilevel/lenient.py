"""A tenant's ``input: lenient`` profile: the numbers and fields a lenient backend would let through.

i.LEVEL does not document how strictly it reads an item. Strict (the default) refuses a quantity written as
``"5"`` or ``5.0`` and an unknown property, failing the item with 12051: a client that passes strict passes a
lenient server too. Lenient is the other side, for clients written against a forgiving backend (PHP clients
reading numbers from PDO send ``"5"``): a quantity written as a numeric string or an integral float is the whole
number it spells, and properties the item does not have are left out. Anything else (``"5.5"``, ``-1``, ``true``)
is still refused, by the strict check that follows.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from simulator.domain.stock import MAX_QUANTITY
from simulator.numbers import lenient_whole

QUANTITIES = frozenset({"inStock", "demand", "supply"})


def relax(raw: dict[str, Any], fields: Collection[str]) -> dict[str, Any]:
    """The item without properties outside ``fields``, its quantities read as whole numbers where they spell one."""
    return {k: (_whole(v) if k in QUANTITIES else v) for k, v in raw.items() if k in fields}


def _whole(value: Any) -> Any:
    return lenient_whole(value, 0, MAX_QUANTITY)
