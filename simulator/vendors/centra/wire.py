"""Centra's stock endpoints on the wire: the update body, Get stock's query, and the records they return."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from starlette.datastructures import QueryParams

from simulator.domain.centra import (
    TIME_FORMAT,
    StockFilter,
    StockItem,
    StockLine,
    UpdateOutcome,
    cost_price,
    currency,
    to_utc,
)
from simulator.domain.errors import InvalidChange
from simulator.domain.stock import MAX_QUANTITY
from simulator.jsonbody import MalformedJson, decode_json
from simulator.numbers import exceeds, is_digits, whole_number
from simulator.vendors.centra.errors import InvalidRequest
from simulator.vendors.centra.lenient import relax

# Below zero is below any allocatedStock: Centra raises it to the allocated stock without an error (the domain's
# clamp), so a negative quantity is taken. The bounds keep every value inside SQLite's integers.
Quantity = Annotated[int, msgspec.Meta(ge=-MAX_QUANTITY, le=MAX_QUANTITY)]
PARTIAL = "Some of the products were not updated"
MAX_LIMIT = 10_000
MAX_PAGE = 1_000_000_000  # keeps (page - 1) * limit inside SQLite's 64-bit OFFSET


class StockLineIn(msgspec.Struct, forbid_unknown_fields=True, rename="camel"):
    product: str
    quantity: Quantity
    cost_price: str | int | float | None = None
    cost_price_currency: str | None = None


class StockUpdateIn(msgspec.Struct, forbid_unknown_fields=True):
    products: list[StockLineIn]
    xml: Any = None  # any JSON value; only the truthy ones below ask for XML


_TRUTHY = frozenset({"1", "true"})


def xml_in_query(params: QueryParams) -> bool:
    """``?xml``, ``?xml=1`` and ``?xml=true`` ask for XML (a bare ``?xml`` too: it is a boolean flag)."""
    if "xml" not in params:
        return False
    value = params["xml"].strip().lower()
    return value == "" or value in _TRUTHY


def xml_in_body(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value == 1
    return isinstance(value, str) and value.strip().lower() in _TRUTHY


def parse_json(body: bytes, xml: bool) -> Any:
    if not body.strip():
        raise InvalidRequest("The request body is empty; expected JSON with products", xml)
    try:
        return decode_json(body)
    except MalformedJson as exc:
        raise InvalidRequest(f"Malformed JSON in the request body: {exc.reason}", xml) from None


UPDATE_FIELDS = frozenset(StockUpdateIn.__struct_encode_fields__)
LINE_FIELDS = frozenset(StockLineIn.__struct_encode_fields__)


def decode_update(data: Any, xml: bool, lenient: bool = False) -> list[StockLine]:
    """The update's lines; a body that cannot be applied raises InvalidRequest naming the field and what it wants.
    ``lenient`` (a plugin's ``input: lenient``) first reads whole numbers from text and drops unknown fields."""
    if lenient:
        data = relax(data, UPDATE_FIELDS, LINE_FIELDS)
    try:
        update = msgspec.convert(data, StockUpdateIn)
    except msgspec.ValidationError as exc:
        raise _invalid(str(exc), data, xml) from None
    if not update.products:
        raise InvalidRequest("products is empty; send at least one product to update", xml)
    lines: list[StockLine] = []
    for n, line in enumerate(update.products):
        try:
            price = None if line.cost_price is None else cost_price(line.cost_price, f"products[{n}].costPrice")
            code = None
            if line.cost_price_currency is not None:
                code = currency(line.cost_price_currency, f"products[{n}].costPriceCurrency")
        except InvalidChange as exc:
            raise InvalidRequest(exc.message, xml) from None
        lines.append(StockLine(line.product, line.quantity, price, code))
    return lines


def render_outcome(outcome: UpdateOutcome) -> dict[str, Any]:
    if outcome.complete:
        return {"status": "ok"}
    errors: dict[str, list[str]] = {}
    if outcome.not_found:
        errors["productsNotFound"] = list(outcome.not_found)
    if outcome.bundles:
        errors["productsAreBundles"] = list(outcome.bundles)
    return {"status": "no", "msg": PARTIAL, "errors": errors}


def parse_query(params: QueryParams, xml: bool, zone: tzinfo) -> tuple[StockFilter, int | None, int]:
    """Get stock's filters, limit and page; a malformed value is refused like a malformed update. Dates are the
    company's time (``zone``), turned into the store's UTC."""
    since = tuple(
        (field, to_utc(_time(params[field], field, xml), zone))
        for field in ("created", "modified", "stock_modified")
        if field in params
    )
    limit = _whole(params, "limit", xml, MAX_LIMIT) if "limit" in params else None
    page = _whole(params, "page", xml, MAX_PAGE) if "page" in params else 1
    return (
        StockFilter(
            sku=params.get("sku"),
            ean=params.get("ean"),
            upc=params.get("upc"),
            product_id=_whole(params, "productId", xml) if "productId" in params else None,
            variant_id=_whole(params, "variantId", xml) if "variantId" in params else None,
            stock_item_id=_whole(params, "stockItemId", xml) if "stockItemId" in params else None,
            since=since,
        ),
        limit,
        page,
    )


def excludes_physical(params: QueryParams) -> bool:
    return any("physicalStock" in value.split(",") for value in params.getlist("exclude"))


def link(params: QueryParams, limit: int, page: int) -> str:
    """The doc's link form, ``?limit=2&page=3``, followed by the request's other parameters."""
    rest = [(k, v) for k, v in params.multi_items() if k not in ("limit", "page")]
    return "?" + urlencode([("limit", limit), ("page", page), *rest])


def render_item(item: StockItem, exclude_physical: bool) -> dict[str, Any]:
    record: dict[str, Any] = {
        "sku": item.sku,
        "productId": item.product_id,
        "variantSku": item.variant_sku,
        "variantId": item.variant_id,
        "sizeSku": item.size_sku,
        "brand": item.brand,
        "collection": item.collection,
        "product": item.product,
        "variant": item.variant,
        "size": item.size,
        "stockItemId": item.stock_item_id,
        "ean": item.ean,
        "upc": item.upc,
        "weight": item.weight,
        "weightUnit": item.weight_unit,
        "countryOfOrigin": item.country_of_origin,
        "harmCode": item.harm_code,
        "harmDescription": item.harm_description,
        "active": 1 if item.active else 0,
        "physicalStock": item.physical,
        "allocatedStock": item.allocated,
        "availableStock": item.available,
    }
    if exclude_physical:
        del record["physicalStock"]
    return record


def render_stock(
    items: Sequence[StockItem], exclude_physical: bool, previous: str | None, next_: str | None
) -> dict[str, Any]:
    return {
        "status": "ok",
        "products": [render_item(item, exclude_physical) for item in items],
        "previous": previous,
        "next": next_,
    }


def _whole(params: QueryParams, name: str, xml: bool, maximum: int = 2**53) -> int:
    raw = params[name]
    value = whole_number(raw, 1, maximum)
    if value is not None:
        return value
    if is_digits(raw) and exceeds(raw, maximum):
        raise InvalidRequest(f"{name} must be at most {maximum}, got {raw}", xml)
    raise InvalidRequest(f"{name} must be a positive whole number, got {raw!r}", xml)


def _time(raw: str, name: str, xml: bool) -> str:
    for layout in (TIME_FORMAT, "%Y-%m-%d"):
        try:
            datetime.strptime(raw, layout)
        except ValueError:
            continue
        return raw
    raise InvalidRequest(f"{name} must be 'YYYY-mm-dd' or 'YYYY-mm-dd HH:MM:SS', got {raw!r}", xml)


# What each field of an update wants, in the simulator's words (msgspec's own are not shown to clients).
_EXPECTED = {
    "": "a JSON object with products",
    "products": "an array of products to update",
    "products[]": "an object with product and quantity",
    "product": "a string: an EAN, a UPC, or sku+variantSku+sizeSku",
    "quantity": f"a whole number from -{MAX_QUANTITY} to {MAX_QUANTITY}",
    "costPrice": "a decimal number, or a string holding one",
    "costPriceCurrency": "an ISO 4217 currency code such as SEK, EUR or USD",
}
_LOCATION = re.compile(r" - at `\$([^`]*)`\Z")
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")
# The objects of an update: their fields, and the ones they must have.
_OBJECTS = {"": (UPDATE_FIELDS, ("products",)), "products[]": (LINE_FIELDS, ("product", "quantity"))}


def _invalid(error: str, data: Any, xml: bool) -> InvalidRequest:
    """Why ``data`` is not an update, found where msgspec's ``error`` points and worded from the value there."""
    # Only the location is taken from msgspec's message (its end, whatever a field name in it holds).
    at = _LOCATION.search(error)
    located_at = at[1] if at else ""
    path = located_at.lstrip(".")
    value = data
    kind = ""  # "" for the body, "products[]" for a product, else the field's name
    try:
        for name, index in ((m[1], m[2]) for m in _STEP.finditer(located_at)):
            value, kind = (value[name], name) if name else (value[int(index)], "products[]")
    except (KeyError, IndexError, TypeError):  # pragma: no cover - msgspec's path always leads into the body
        return InvalidRequest(f"Invalid value for {path}", xml)
    if isinstance(value, dict) and kind in _OBJECTS:
        fields, required = _OBJECTS[kind]
        where = f"{path}." if path else ""
        unknown = next((key for key in value if key not in fields), None)
        if unknown is not None:
            return InvalidRequest(f"Unknown parameter {where}{unknown}", xml)
        missing = next((key for key in required if key not in value), None)
        if missing is not None:
            return InvalidRequest(f"Missing required parameter {where}{missing}", xml)
    expected = _EXPECTED.get(kind, "another value")
    if not path:
        return InvalidRequest(f"The request body must be {expected}, got {_shown(value)}", xml)
    return InvalidRequest(f"{path} must be {expected}, got {_shown(value)}", xml)


def _shown(value: Any) -> str:
    """A value as a client wrote it: short values in JSON, containers by their sort."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    text = msgspec.json.encode(value).decode()
    if len(text) > 40:
        text = text[:36] + ('..."' if isinstance(value, str) else "...")
    return f"the string {text}" if isinstance(value, str) else text
