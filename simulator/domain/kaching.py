"""Ka-ching's stock import rules: what one imported value does to one stock record, or why it fails.

The endpoint accepts a whole request and the queue applies it value by value later; a value that fails lands in
the queue's failure log and the others still apply. The rules here decide each value; they never see HTTP.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from simulator.domain.errors import DomainError
from simulator.domain.stock import MAX_QUANTITY

Kind = Literal["reset", "adjustment", "removal"]
EventType = Literal["external_reset", "external_adjustment", "external_removal"]
EVENT_TYPES: dict[Kind, EventType] = {
    "reset": "external_reset",
    "adjustment": "external_adjustment",
    # Not a documented type: the doc names only the two above. Chosen to read like them.
    "removal": "external_removal",
}
KINDS: dict[str, Kind] = {name: kind for kind, name in EVENT_TYPES.items()}
# Firebase keys may not contain these (Ka-ching's product import doc), nor ASCII control characters.
FORBIDDEN = ".$#[]/*"
MAX_KEY_BYTES = 768


class Rejected(DomainError):
    """One value cannot be applied; the message goes to the import queue's failure log."""


class StockValue(msgspec.Struct, frozen=True):
    location: str
    product: str
    variant: str | None
    value: int


class StockEvent(msgspec.Struct, frozen=True):
    """A value the queue applied: which record, what the import said (``value``, ignored by a removal), and the
    count before and after (None: not stocked, or removed). The vendor package draws it in Ka-ching's words."""

    id: int
    kind: Kind
    account: str
    queue: str  # the import queue it came through
    import_id: int
    location: str
    product: str
    variant: str | None
    value: int
    before: int | None
    after: int | None
    at: str  # ISO 8601 on the sandbox clock


def key_problem(key: str) -> str | None:
    """Why ``key`` cannot be a Firebase key (a Ka-ching id), or None when it can."""
    if key == "":
        return "an id cannot be empty"
    bad = "".join(sorted({c for c in key if c in FORBIDDEN}))
    if bad:
        return f"{key!r} contains {bad!r}; ids cannot contain . / # $ * [ ]"
    if any(ord(c) < 32 or ord(c) == 127 for c in key):
        return f"{key!r} contains a control character"
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        return f"an id can be at most {MAX_KEY_BYTES} bytes long"
    return None


def check_keys(value: StockValue) -> None:
    for what, key in (("product", value.product), ("variant", value.variant)):
        if key is not None:
            problem = key_problem(key)
            if problem:
                raise Rejected(f"invalid {what} id: {problem}")


def check_shape(value: StockValue, catalog_variants: tuple[str, ...] | None, stocked_plain: bool | None) -> None:
    """A product takes per-variant values or one plain value, as its catalog entry (``catalog_variants``, None
    when the product is not in the catalog) or, failing that, its current stock at the location says."""
    if catalog_variants is not None:
        if catalog_variants and value.variant is None:
            raise Rejected(f"product {value.product!r} has variants; send a value per variant")
        if not catalog_variants and value.variant is not None:
            raise Rejected(f"product {value.product!r} has no variants; send a plain value")
        return
    if stocked_plain is True and value.variant is not None:
        raise Rejected(f"product {value.product!r} is stocked here without variants; send a plain value")
    if stocked_plain is False and value.variant is None:
        raise Rejected(f"product {value.product!r} is stocked here per variant; send a value per variant")


def apply(kind: Kind, current: int | None, value: int, adjust_unstocked: Literal["fail", "from_zero"]) -> int | None:
    """The record's count after the value (None: the record is removed). ``current`` None: not stocked."""
    if kind == "removal":
        if current is None:
            raise Rejected("not stocked at this location; nothing to remove")
        return None
    if kind == "reset":
        return value
    if current is None:
        if adjust_unstocked == "fail":
            raise Rejected("not stocked at this location; an adjustment needs an existing stock count")
        current = 0
    after = current + value
    if not -MAX_QUANTITY <= after <= MAX_QUANTITY:
        raise Rejected(f"the count would become {after}, outside -{MAX_QUANTITY}..{MAX_QUANTITY}")
    return after
