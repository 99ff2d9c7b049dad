"""i.LEVEL's batch stock rules: which variant an item names, and what a batch writes.

An item names its variant by ``variant_id``, ``barcode`` or ``code``, and sets any of ``inStock``, ``demand``
and ``supply``; a figure left out keeps its value (0 for a record the batch creates). Items that fail do not
stop the others: the batch writes what passed and reports the rest, in request order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from enum import IntEnum
from typing import Literal

import msgspec

Precedence = Literal["first", "agree"]


class ItemError(IntEnum):
    FAILED_TO_SAVE = 12051
    VARIANT_NOT_FOUND = 12052

    @property
    def message(self) -> str:
        return _MESSAGES[self]


_MESSAGES = {ItemError.FAILED_TO_SAVE: "Failed to save item", ItemError.VARIANT_NOT_FOUND: "Variant not found"}


class Levels(msgspec.Struct, frozen=True):
    in_stock: int = 0
    demand: int = 0
    supply: int = 0


class ItemChange(msgspec.Struct, frozen=True):
    position: int
    variant_id: str | None = None
    barcode: str | None = None
    code: str | None = None
    in_stock: int | None = None
    demand: int | None = None
    supply: int | None = None


class Catalog(msgspec.Struct, frozen=True):
    """The variants a batch's identifiers match: known variant ids, and barcode/code -> variant id."""

    ids: Set[str] = frozenset()
    barcodes: Mapping[str, str] = msgspec.field(default_factory=dict)
    codes: Mapping[str, str] = msgspec.field(default_factory=dict)


class Plan(msgspec.Struct, frozen=True):
    writes: dict[str, Levels]  # variant id -> its record after the batch, for every variant the batch touched
    failures: list[tuple[int, ItemError]]  # (position in the request, why)


def resolve(change: ItemChange, catalog: Catalog, precedence: Precedence) -> str | None:
    found = [
        found
        for found in (
            _lookup(change.variant_id, catalog.ids),
            _lookup_map(change.barcode, catalog.barcodes),
            _lookup_map(change.code, catalog.codes),
        )
        if found != ""
    ]
    if not found:
        return None  # no identifier at all: nothing can be found
    if precedence == "first":
        return found[0]
    return found[0] if all(f == found[0] for f in found) else None


def apply(current: Levels | None, change: ItemChange) -> Levels:
    base = current or Levels()
    return Levels(
        in_stock=base.in_stock if change.in_stock is None else change.in_stock,
        demand=base.demand if change.demand is None else change.demand,
        supply=base.supply if change.supply is None else change.supply,
    )


def plan(
    changes: Iterable[ItemChange],
    catalog: Catalog,
    precedence: Precedence,
    forced: Set[str],
    current: Mapping[str, Levels],
) -> Plan:
    """Items naming the same variant apply in request order, each on top of the one before."""
    writes: dict[str, Levels] = {}
    failures: list[tuple[int, ItemError]] = []
    for change in changes:
        variant = resolve(change, catalog, precedence)
        if variant is None:
            failures.append((change.position, ItemError.VARIANT_NOT_FOUND))
        elif variant in forced:
            failures.append((change.position, ItemError.FAILED_TO_SAVE))
        else:
            writes[variant] = apply(writes.get(variant, current.get(variant)), change)
    return Plan(writes, failures)


def _lookup(value: str | None, ids: Set[str]) -> str | None:
    # "" means "not given"; None means "given, and matches nothing".
    if value is None:
        return ""
    return value if value in ids else None


def _lookup_map(value: str | None, index: Mapping[str, str]) -> str | None:
    if value is None:
        return ""
    return index.get(value)
