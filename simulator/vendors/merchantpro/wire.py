"""MerchantPro's inventory resource on the wire: the PATCH body it accepts and the record it returns."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from simulator.domain.merchantpro import InventoryChange, Product, WarehouseChange
from simulator.domain.money import to_amount, to_cents
from simulator.domain.stock import MAX_QUANTITY, AdjustBy, QuantityChange, SetTo
from simulator.jsonbody import MalformedJson, decode_json
from simulator.vendors.merchantpro.errors import BadRequest
from simulator.vendors.merchantpro.lenient import READ_ONLY, relax
from simulator.vendors.merchantpro.messages import MAX_PRICE, MAX_WAREHOUSE_ID, UNREAD, validation_error

Quantity = Annotated[int, msgspec.Meta(ge=0, le=MAX_QUANTITY)]
Delta = Annotated[int, msgspec.Meta(ge=-MAX_QUANTITY, le=MAX_QUANTITY)]
Price = Annotated[float, msgspec.Meta(ge=0, le=MAX_PRICE)]
WarehouseId = Annotated[int, msgspec.Meta(ge=1, le=MAX_WAREHOUSE_ID)]


class Adjustment(msgspec.Struct, forbid_unknown_fields=True):
    adjust_by: Delta


class WarehouseIn(msgspec.Struct, forbid_unknown_fields=True):
    stock: Quantity | Adjustment
    id: WarehouseId | UnsetType = UNSET
    name: str | UnsetType = UNSET


class InventoryPatch(msgspec.Struct, forbid_unknown_fields=True):
    inventory_enabled: Literal["on", "off"] | UnsetType = UNSET
    stock: Quantity | Adjustment | UnsetType = UNSET
    warehouses: list[WarehouseIn] | UnsetType = UNSET
    price_net: Price | UnsetType = UNSET
    price_gross: Price | UnsetType = UNSET
    old_price_net: Price | UnsetType = UNSET
    old_price_gross: Price | UnsetType = UNSET
    # Present only so sending them gets "read-only" instead of "unknown field".
    id: Any = UNSET
    sku: Any = UNSET
    ean: Any = UNSET


class WarehouseOut(msgspec.Struct):
    id: int
    name: str
    stock: int


class InventoryRecord(msgspec.Struct, kw_only=True):
    id: int
    sku: str
    ean: str | None
    inventory_enabled: Literal["on", "off"]
    stock: int | UnsetType = UNSET
    warehouses: list[WarehouseOut] | UnsetType = UNSET
    price_net: float
    price_gross: float
    old_price_net: float | UnsetType = UNSET
    old_price_gross: float | UnsetType = UNSET


_patch = msgspec.json.Decoder(InventoryPatch)
DESCRIBE_BYTES = 256 * 1024


def decode_patch(body: bytes, lenient: bool = False, multi_warehouse: bool = False) -> InventoryChange:
    """The change a PATCH body asks for; BadRequest, in the simulator's own words, when it asks for none.

    ``lenient`` is the shop's ``input: lenient`` profile (simulator/vendors/merchantpro/lenient.py)."""
    if not body.strip():
        raise BadRequest("The request body is empty; expected a JSON object")
    try:
        if lenient:
            raw = relax(decode_json(body), multi_warehouse)
            try:
                patch = msgspec.convert(raw, InventoryPatch)
            except msgspec.ValidationError as exc:
                raise validation_error(str(exc), raw) from None
        else:
            try:
                patch = decode_json(body, _patch)
            except msgspec.ValidationError as exc:
                # msgspec says where; what was there is read from the body (a small one: reading a large one
                # again would hold the event loop), and the words are ours.
                raw = decode_json(body) if len(body) <= DESCRIBE_BYTES else UNREAD
                raise validation_error(str(exc), raw) from None
    except MalformedJson as exc:
        raise BadRequest(f"Malformed JSON in the request body: {exc.reason}") from None
    for name in READ_ONLY:
        if getattr(patch, name) is not UNSET:
            raise BadRequest(f"Field '{name}' is read-only and cannot be changed through the stock API", name)
    return InventoryChange(
        inventory_enabled=None if patch.inventory_enabled is UNSET else patch.inventory_enabled == "on",
        stock=None if patch.stock is UNSET else _quantity(patch.stock),
        warehouses=None
        if patch.warehouses is UNSET
        else tuple(
            WarehouseChange(
                id=None if w.id is UNSET else w.id,
                name=None if w.name is UNSET else w.name,
                stock=_quantity(w.stock),
                position=i,
            )
            for i, w in enumerate(patch.warehouses)
        ),
        price_net=_cents(patch.price_net),
        price_gross=_cents(patch.price_gross),
        old_price_net=_cents(patch.old_price_net),
        old_price_gross=_cents(patch.old_price_gross),
    )


def render(product: Product, multi_warehouse: bool) -> InventoryRecord:
    # The doc's examples: no `stock` while the inventory function is off; `warehouses` only with Multi
    # Warehouse; old prices only once the product has one.
    return InventoryRecord(
        id=product.id,
        sku=product.sku,
        ean=product.ean,
        inventory_enabled="on" if product.inventory_enabled else "off",
        stock=product.stock if product.inventory_enabled else UNSET,
        warehouses=[WarehouseOut(w.id, w.name, w.stock) for w in product.warehouses] if multi_warehouse else UNSET,
        price_net=to_amount(product.price_net),
        price_gross=to_amount(product.price_gross),
        old_price_net=UNSET if product.old_price_net is None else to_amount(product.old_price_net),
        old_price_gross=UNSET if product.old_price_gross is None else to_amount(product.old_price_gross),
    )


def _quantity(value: int | Adjustment) -> QuantityChange:
    return AdjustBy(value.adjust_by) if isinstance(value, Adjustment) else SetTo(value)


def _cents(value: float | UnsetType) -> int | None:
    return None if isinstance(value, UnsetType) else to_cents(value)
