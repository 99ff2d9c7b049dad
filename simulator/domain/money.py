"""Prices as integer cents, and VAT arithmetic rounded the way the vendors' examples round (half up, 2 places).

Rates are percentages with at most two decimals (19, 5.5, 20.25); the arithmetic is exact integer math on basis
points, which is both correct (no binary-float drift) and fast enough to price a generated catalog of 100k items.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_ONE = Decimal(1)
_BP = 10_000  # basis points in 100%


def to_cents(amount: float) -> int:
    # str() first: Decimal(0.1) would carry the binary float's error into the rounding.
    return int((Decimal(str(amount)) * 100).quantize(_ONE, rounding=ROUND_HALF_UP))


def to_amount(cents: int) -> float:
    return cents / 100


def basis_points(rate_percent: float) -> int:
    return int((Decimal(str(rate_percent)) * 100).quantize(_ONE, rounding=ROUND_HALF_UP))


def _half_up(numerator: int, denominator: int) -> int:
    # Prices are never negative, so floor((2n + d) / 2d) is round-half-up.
    return (2 * numerator + denominator) // (2 * denominator)


def gross_from_net(net_cents: int, rate_percent: float) -> int:
    return _half_up(net_cents * (_BP + basis_points(rate_percent)), _BP)


def net_from_gross(gross_cents: int, rate_percent: float) -> int:
    return _half_up(gross_cents * _BP, _BP + basis_points(rate_percent))
