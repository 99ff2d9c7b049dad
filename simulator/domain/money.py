"""Prices as integer cents, and VAT arithmetic rounded the way the vendors' examples round (half up, 2 places)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_ONE = Decimal(1)


def to_cents(amount: float) -> int:
    # str() first: Decimal(0.1) would carry the binary float's error into the rounding.
    return int((Decimal(str(amount)) * 100).quantize(_ONE, rounding=ROUND_HALF_UP))


def to_amount(cents: int) -> float:
    return cents / 100


def _factor(rate_percent: float) -> Decimal:
    return 1 + Decimal(str(rate_percent)) / 100


def gross_from_net(net_cents: int, rate_percent: float) -> int:
    return int((Decimal(net_cents) * _factor(rate_percent)).quantize(_ONE, rounding=ROUND_HALF_UP))


def net_from_gross(gross_cents: int, rate_percent: float) -> int:
    return int((Decimal(gross_cents) / _factor(rate_percent)).quantize(_ONE, rounding=ROUND_HALF_UP))
