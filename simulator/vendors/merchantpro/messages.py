"""A PATCH body that does not validate, in the simulator's own words: the field, what was expected, what came.

msgspec finds the problem and says where it is (``$.warehouses[1].stock``); its English is not shown. What each field
expects is written here, with the bounds the wire Structs check (tests/vendors/merchantpro/test_messages.py holds the
two together), and what came is read from the body itself.
"""

from __future__ import annotations

import json
import re
from typing import Any

from simulator.domain.stock import MAX_QUANTITY
from simulator.jsonbody import located, missing_field, unknown_field
from simulator.vendors.merchantpro.errors import BadRequest
from simulator.vendors.merchantpro.lenient import WRITABLE

MAX_PRICE = 1_000_000_000
MAX_WAREHOUSE_ID = 2**53
_QUANTITY = f'a whole number from 0 to {MAX_QUANTITY}, or {{"adjust_by": n}}'
_ADJUSTMENT = f"a whole number from -{MAX_QUANTITY} to {MAX_QUANTITY}"
_PRICE = f"a number from 0 to {MAX_PRICE}"
# By path, a list index written as [].
EXPECTED = {
    "inventory_enabled": '"on" or "off"',
    "stock": _QUANTITY,
    "stock.adjust_by": _ADJUSTMENT,
    "warehouses": 'an array of warehouses, each {"id" or "name", "stock"}',
    "warehouses[]": 'a warehouse: {"id" or "name", "stock"}',
    "warehouses[].id": f"a whole number from 1 to {MAX_WAREHOUSE_ID}",
    "warehouses[].name": "a string",
    "warehouses[].stock": _QUANTITY,
    "warehouses[].stock.adjust_by": _ADJUSTMENT,
    "price_net": _PRICE,
    "price_gross": _PRICE,
    "old_price_net": _PRICE,
    "old_price_gross": _PRICE,
}
_INDEX = re.compile(r"\[[0-9]+\]")
_STEP = re.compile(r"\.([^.\[]+)|\[([0-9]+)\]")
_MISSING = object()
UNREAD = object()  # the body, when it was too large to read again for the message


def validation_error(error: str, raw: Any) -> BadRequest:
    """The 400 for msgspec's ValidationError ``error`` on the decoded body ``raw``."""
    message, path = located(error)
    path = path.lstrip(".")
    unknown = unknown_field(message)
    if unknown is not None:
        field = f"{path}.{unknown}" if path else unknown
        return BadRequest(f"Unknown field '{field}'; the stock API can change: {', '.join(WRITABLE)}", field)
    missing = missing_field(message)
    if missing is not None:
        field = f"{path}.{missing}" if path else missing
        return BadRequest(f"Missing field '{field}': expected {expected(field)}", field)
    if not path:
        return BadRequest(f"Invalid request body: expected a JSON object{_got(raw)}")
    got = _got(raw if raw is UNREAD else value_at(raw, path))
    return BadRequest(f"Invalid value for '{path}': expected {expected(path)}{got}", path)


def _got(value: Any) -> str:
    return "" if value is UNREAD else f", got {described(value)}"


def expected(path: str) -> str:
    return EXPECTED.get(_INDEX.sub("[]", path), "a value of another kind")


def value_at(raw: Any, path: str) -> Any:
    """The value at ``path`` (``warehouses[1].stock``) in the decoded body, or a marker when there is none."""
    value = raw
    for name, index in _STEP.findall("." + path):
        if name and type(value) is dict and name in value:
            value = value[name]
        elif index and type(value) is list and int(index) < len(value):
            value = value[int(index)]
        else:
            return _MISSING
    return value


def described(value: Any) -> str:
    """A value as a JSON client would name it: null, true, 12.5, the string "5", an array, an object."""
    if value is _MISSING:
        return "nothing"
    if value is None:
        return "null"
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) is int:
        return str(value) if abs(value) < 10**30 else "a number of more than 30 digits"
    if type(value) is float:
        return repr(value)
    if type(value) is str:
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {json.dumps(shown, ensure_ascii=False)}"
    if type(value) is list:
        return "an array"
    return "an object"
