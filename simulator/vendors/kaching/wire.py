"""Ka-ching's stock import body on the wire: stock location id -> product id -> count, or -> variant id -> count.

msgspec cannot type a map whose values are either an int or a map of ints with the error paths we want, so the
body is decoded untyped and walked; every refusal names the place as ``$["location"]["product"]["variant"]``.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

import msgspec

from simulator.domain.kaching import StockValue
from simulator.domain.stock import MAX_QUANTITY
from simulator.jsonbody import MalformedJson, decode_json
from simulator.numbers import lenient_whole
from simulator.vendors.kaching.errors import BadRequest, PayloadTooLarge

SHAPE = "a JSON object of stock location id -> product id -> count (or -> variant id -> count)"


def decode_import(
    body: bytes, locations: Container[str], max_values: int | None = None, lenient: bool = False
) -> list[StockValue]:
    """Every value of the body, in document order; refuses the whole body at the first problem, and one carrying
    more than ``max_values`` values (413, naming the limit)."""
    if not body.strip():
        raise BadRequest(f"The request body is empty; expected {SHAPE}", "$")
    try:
        data = decode_json(body)
    except MalformedJson as exc:
        raise BadRequest(f"Malformed JSON in the request body: {exc.reason}", "$") from None
    if not isinstance(data, dict):
        raise BadRequest(f"Expected {SHAPE}, got {_kind(data)}", "$")
    if not data:
        raise BadRequest("The body names no stock location; there is nothing to import", "$")
    values: list[StockValue] = []
    for location, products in data.items():
        at = _at("$", location)
        if location not in locations:
            raise BadRequest(f"Stock location {location!r} does not exist; nothing was imported", at)
        if not isinstance(products, dict):
            raise BadRequest(f"Expected an object of product id -> count at {at}, got {_kind(products)}", at)
        if not products:
            raise BadRequest(f"Stock location {location!r} names no product; there is nothing to import", at)
        for product, value in products.items():
            _within(values, max_values)  # checked as it grows, so a huge body stops early
            here = _at(at, product)
            if not isinstance(value, dict):
                values.append(
                    StockValue(
                        location, product, None, _count(value, here, "a count or an object of variants", lenient)
                    )
                )
                continue
            if not value:
                raise BadRequest(f"Product {product!r} names no variant; there is nothing to import", here)
            for variant, count in value.items():
                values.append(
                    StockValue(location, product, variant, _count(count, _at(here, variant), "a count", lenient))
                )
    _within(values, max_values)
    return values


def _within(values: list[StockValue], max_values: int | None) -> None:
    if max_values is not None and len(values) > max_values:
        raise PayloadTooLarge(
            f"The import carries more than {max_values} stock values, the simulator's limit per import "
            "(--kaching-import-values, STOCKSIM_KACHING_IMPORT_VALUES); split it into smaller imports"
        )


def _count(value: Any, at: str, expected: str, lenient: bool = False) -> int:
    if lenient:
        # An account's `input: lenient`: a count written as text ("5", "-2") is the number it spells.
        value = lenient_whole(value, -MAX_QUANTITY, MAX_QUANTITY)
    if isinstance(value, dict):
        raise BadRequest(f"Expected a count at {at}: variants cannot have variants of their own", at)
    if isinstance(value, float) and value.is_integer():
        # Ka-ching's parser is JavaScript's, where 7.0 and 1e3 are the numbers 7 and 1000 (and JSON Schema's
        # `integer` agrees): a Python, .NET or PHP client that sends them gets them imported.
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"Expected {expected} (a whole number) at {at}, got {_kind(value)}", at)
    if not -MAX_QUANTITY <= value <= MAX_QUANTITY:
        raise BadRequest(f"The count at {at} is out of range: expected -{MAX_QUANTITY}..{MAX_QUANTITY}", at)
    return value


def _at(parent: str, key: str) -> str:
    return f"{parent}[{msgspec.json.encode(key).decode()}]"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, float):
        return f"a number with a fraction ({value!r})"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, int):
        return "a number"
    return "an object"
