"""i.LEVEL on the wire: the batchStock body, per-item results, and the paged GET wrapper."""

from __future__ import annotations

import math
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, UnsetType

from simulator.domain.ilevel import ItemChange, ItemError
from simulator.domain.stock import MAX_QUANTITY
from simulator.jsonbody import MalformedJson, decode_json, located
from simulator.vendors.ilevel.errors import BATCH_LIMIT, ItemLimitExceeded, MissingBatchStock, MissingItems
from simulator.vendors.ilevel.lenient import relax

Quantity = Annotated[int, msgspec.Meta(ge=0, le=MAX_QUANTITY)]
Identifier = Annotated[str, msgspec.Meta(max_length=512)]


class ItemIn(msgspec.Struct, forbid_unknown_fields=True, rename={"in_stock": "inStock"}):
    variant_id: Identifier | UnsetType = UNSET
    barcode: Identifier | UnsetType = UNSET
    code: Identifier | UnsetType = UNSET
    in_stock: Quantity | UnsetType = UNSET
    demand: Quantity | UnsetType = UNSET
    supply: Quantity | UnsetType = UNSET


def batch_of(body: bytes) -> dict[str, Any]:
    """The ``batchStock`` object; a body that is not JSON cannot hold one either (12001)."""
    try:
        data = decode_json(body)
    except MalformedJson:
        raise MissingBatchStock() from None
    batch = data.get("batchStock") if isinstance(data, dict) else None
    if not isinstance(batch, dict):
        raise MissingBatchStock()
    return batch


def items_of(batch: dict[str, Any]) -> list[Any]:
    items = batch.get("item")
    # Only a non-empty list of objects is a stock item collection.
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise MissingItems()
    if len(items) > BATCH_LIMIT:
        raise ItemLimitExceeded()
    return items


ITEM_FIELDS = frozenset(ItemIn.__struct_encode_fields__)


def parse_items(items: list[dict[str, Any]], lenient: bool = False) -> tuple[list[ItemChange], dict[int, str]]:
    """Valid items as changes, and for the others the reason by position (they fail with 12051)."""
    changes: list[ItemChange] = []
    invalid: dict[int, str] = {}
    for position, raw in enumerate(items):
        try:
            item = msgspec.convert(relax(raw, ITEM_FIELDS) if lenient else raw, ItemIn)
        except msgspec.ValidationError as exc:
            invalid[position] = _detail(str(exc), position)
            continue
        changes.append(
            ItemChange(
                position=position,
                variant_id=_opt(item.variant_id),
                barcode=_opt(item.barcode),
                code=_opt(item.code),
                in_stock=_opt(item.in_stock),
                demand=_opt(item.demand),
                supply=_opt(item.supply),
            )
        )
    return changes, invalid


def failed_item(raw: dict[str, Any], error: ItemError) -> dict[str, Any]:
    """The item as sent, with the outcome and nothing else, as the doc's example has it (its table says "massage";
    its example, "message")."""
    return {**raw, "success": False, "message": error.message}


def paged(collection: str, records: list[Any], page: int, pagesize: int, found: int) -> dict[str, Any]:
    return {
        "response": {
            "page": page,
            "pageCount": math.ceil(found / pagesize),
            "recordsSent": len(records),
            "recordsFound": found,
            collection: records,
        }
    }


def _opt(value: Any) -> Any:
    return None if value is UNSET else value


def _detail(error: str, position: int) -> str:
    message, path = located(error)
    return f"{message} - at $.batchStock.item[{position}]{path}"
