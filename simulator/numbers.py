"""Whole numbers from request text (query parameters, path segments, headers), without a path to a 500.

int() refuses a string past 4,300 digits with a ValueError and spends quadratic time on long ones, so nothing
here converts more digits than the bound has.
"""

from __future__ import annotations


def is_digits(raw: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts "²" and Arabic-Indic digits, which int() then refuses or reads
    as another number."""
    return raw.isascii() and raw.isdigit()


def whole_number(raw: str, low: int, high: int) -> int | None:
    """``raw`` (ASCII digits, leading zeros allowed) as an int in [low, high], or None; 0 <= low <= high."""
    if not is_digits(raw):
        return None
    significant = raw.lstrip("0") or "0"
    if len(significant) > len(str(high)):
        return None
    value = int(significant)
    return value if low <= value <= high else None


def exceeds(raw: str, high: int) -> bool:
    """Whether ``raw`` (ASCII digits) is a number greater than ``high``, without converting a long one."""
    significant = raw.lstrip("0") or "0"
    return len(significant) > len(str(high)) or int(significant) > high
