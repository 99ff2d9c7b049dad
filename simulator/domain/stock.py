"""Quantity changes shared by the vendors: set a count, or move it by a signed amount."""

from __future__ import annotations

import msgspec

from simulator.domain.errors import InvalidChange

# SQLite INTEGER is 64-bit; keep counts far from its edge so sums and adjustments cannot overflow.
MAX_QUANTITY = 1_000_000_000


class SetTo(msgspec.Struct, frozen=True):
    quantity: int


class AdjustBy(msgspec.Struct, frozen=True):
    delta: int


QuantityChange = SetTo | AdjustBy


def apply_quantity(current: int, change: QuantityChange, field: str) -> int:
    new = change.quantity if isinstance(change, SetTo) else current + change.delta
    if new < 0:
        raise InvalidChange(field, f"{field} would become {new}; stock cannot be negative")
    if new > MAX_QUANTITY:
        raise InvalidChange(field, f"{field} would become {new}; the largest stock accepted is {MAX_QUANTITY}")
    return new
