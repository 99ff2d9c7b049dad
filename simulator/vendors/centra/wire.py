"""Centra's stock endpoints on the wire: the update body, Get stock's query, and the records they return."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from starlette.datastructures import QueryParams

from simulator.domain.centra import TIME_FORMAT, StockFilter, StockItem, StockLine, UpdateOutcome, cost_price, currency
from simulator.domain.errors import InvalidChange
from simulator.domain.stock import MAX_QUANTITY
from simulator.jsonbody import MalformedJson, decode_json, located, missing_field, unknown_field
from simulator.numbers import exceeds, is_digits, whole_number
from simulator.vendors.centra.errors import InvalidRequest

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


def decode_update(data: Any, xml: bool) -> list[StockLine]:
    try:
        update = msgspec.convert(data, StockUpdateIn)
    except msgspec.ValidationError as exc:
        raise _invalid(str(exc), xml) from None
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


def parse_query(params: QueryParams, xml: bool) -> tuple[StockFilter, int | None, int]:
    """Get stock's filters, limit and page; a malformed value is refused like a malformed update."""
    since = tuple(
        (field, _time(params[field], field, xml))
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


def _invalid(error: str, xml: bool) -> InvalidRequest:
    message, path = located(error)
    path = path.lstrip(".")
    unknown = unknown_field(message)
    if unknown is not None:
        field = f"{path}.{unknown}" if path else unknown
        return InvalidRequest(f"Unknown parameter {field}", xml)
    missing = missing_field(message)
    if missing is not None:
        field = f"{path}.{missing}" if path else missing
        return InvalidRequest(f"Missing required parameter {field}", xml)
    if not path:
        return InvalidRequest(f"The request body must be a JSON object with products: {message}", xml)
    return InvalidRequest(f"Invalid value for {path}: {message}", xml)
