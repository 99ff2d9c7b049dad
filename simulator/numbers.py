"""Whole numbers from request text (query parameters, path segments, headers), without a path to a 500.

int() refuses a string past 4,300 digits with a ValueError and spends quadratic time on long ones, so nothing
here converts more digits than the bound has.
"""

from __future__ import annotations

import re
from typing import Any


def is_digits(raw: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts "²" and Arabic-Indic digits, which int() then refuses or reads
    as another number."""
    return raw.isascii() and raw.isdigit()


def whole_number(raw: str, low: int, high: int) -> int | None:
    """``raw`` (ASCII digits, leading zeros allowed) as an int in [low, high], or None; 0 <= low <= high."""
    if not is_digits(raw):
        return None
    significant = raw.lstrip("0") or "0"
    if len(significant) > (_WIDTHS.get(high) or _width(high)):
        return None
    value = int(significant)
    return value if low <= value <= high else None


def exceeds(raw: str, high: int) -> bool:
    """Whether ``raw`` (ASCII digits) is a number greater than ``high``, without converting a long one."""
    significant = raw.lstrip("0") or "0"
    return len(significant) > (_WIDTHS.get(high) or _width(high)) or int(significant) > high


# The digits of each bound met so far: str() of a bound such as 2**63 - 1 is a long division, on every request that
# names a product by id or declares a body. The bounds are a few constants and settings; past WIDTHS_KEPT of them
# (never, today) the rest are counted each time rather than kept.
WIDTHS_KEPT = 64
_WIDTHS: dict[int, int] = {}


def _width(high: int) -> int:
    width = len(str(high))
    if len(_WIDTHS) < WIDTHS_KEPT:
        _WIDTHS[high] = width
    return width


# "5", " -3 ", "007", "5.0", "5.000": an optional minus, digits, then optionally a decimal point and zeros only.
_WHOLE_TEXT = re.compile(r"(-?)([0-9]+)(?:\.0*)?")


def lenient_whole(value: Any, low: int, high: int) -> Any:
    """An ``input: lenient`` account's reading of a whole number: an integral float, or text spelling a whole number
    (PHP clients send numbers read from a database as strings), becomes that int when it lies in [low, high];
    anything else (``"5.5"``, ``"1e3"``, ``true``, a number out of range) is returned as it is, for the strict
    reading that follows to refuse in the vendor's words."""
    if type(value) is float and value.is_integer() and low <= value <= high:
        return int(value)
    if type(value) is str:
        match = _WHOLE_TEXT.fullmatch(value.strip())
        magnitude = whole_number(match[2], 0, max(abs(low), abs(high))) if match else None
        if match and magnitude is not None:
            number = -magnitude if match[1] else magnitude
            if low <= number <= high:
                return number
    return value
