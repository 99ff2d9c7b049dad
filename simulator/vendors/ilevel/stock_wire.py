"""i.LEVEL's stock resource on the wire: the record ``GET /api/stock`` lists (with its warehouse and variant), the
warehouse entity, and the single item ``POST /api/stock`` takes.

Source: the vendor's stock page (ilevel.ilevelconnect.co.uk/help/docs/api/stock, summarised in vendor-facts.md).
Related entities follow i.LEVEL's 4D REST style: a deferred one is ``{"__KEY": id}`` (``warehouse_company``); an
expanded one carries its ``__KEY`` and its fields (``variant_product``, inferred: the page elides its fields).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, UnsetType

from simulator.domain.ilevel_stock import StockRecord, VariantInfo, derived_id, record_id
from simulator.scenarios.ilevel import Tenant, Warehouse
from simulator.vendors.ilevel.wire import Identifier, Quantity

HexId = Annotated[str, msgspec.Meta(pattern=r"^[0-9A-F]{32}$")]


class EntityKey(msgspec.Struct, rename={"key": "__KEY"}):
    """A related entity that is not expanded: its key only."""

    key: str


class WarehouseOut(msgspec.Struct):
    """The vendor's warehouse entity (GET /api/warehouse, and ``stock_warehouse`` of a stock record)."""

    id: str
    fk_company: str
    code: str
    name: str
    detail: str
    warehouse_company: EntityKey


class ProductOut(msgspec.Struct, rename={"key": "__KEY"}):
    key: str
    id: str
    code: str
    title: str


class VariantOut(msgspec.Struct):
    """``stock_variant``: the variant a stock record counts, with its product."""

    id: str
    fk_product: str
    code: str
    barcode: str
    colour: str
    sequence: int
    size: str
    detail: str
    vatable: bool
    rrp: float
    variant_product: ProductOut


class StockRecordOut(msgspec.Struct, rename={"in_stock": "inStock", "last_update": "lastUpdate"}):
    """A stock record as GET /api/stock lists it; ``lastUpdate`` is when it was last written (sandbox clock)."""

    id: str
    fk_warehouse: str
    fk_variant: str
    in_stock: int
    demand: int
    supply: int
    last_update: str
    stock_warehouse: WarehouseOut
    stock_variant: VariantOut


class StockItemIn(
    msgspec.Struct,
    forbid_unknown_fields=True,
    rename={"in_stock": "inStock", "last_update": "lastUpdate"},
):
    """The body of POST /api/stock (inferred): a batchStock item, or a record read back from GET /api/stock.
    ``fk_variant`` names the variant as ``variant_id`` does, ``fk_warehouse`` the warehouse as the query's
    ``warehouse_id`` does; ``id``, ``lastUpdate``, ``stock_warehouse`` and ``stock_variant`` are read-only and
    ignored."""

    variant_id: Identifier | UnsetType = UNSET
    barcode: Identifier | UnsetType = UNSET
    code: Identifier | UnsetType = UNSET
    in_stock: Quantity | UnsetType = UNSET
    demand: Quantity | UnsetType = UNSET
    supply: Quantity | UnsetType = UNSET
    fk_variant: Identifier | UnsetType = UNSET
    fk_warehouse: Identifier | UnsetType = UNSET
    id: Any = UNSET
    last_update: Any = UNSET
    stock_warehouse: Any = UNSET
    stock_variant: Any = UNSET


def stamp(epoch: float) -> str:
    """A lastUpdate as the vendor writes it ("2020-08-05T12:27:08"); the simulator's clock is UTC."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def company_of(tenant: Tenant) -> str:
    return tenant.company or derived_id("company", tenant.name)


def warehouse_out(tenant: Tenant, warehouse: Warehouse) -> WarehouseOut:
    company = warehouse.fk_company or company_of(tenant)
    return WarehouseOut(
        id=warehouse.id,
        fk_company=company,
        code=warehouse.code or warehouse.name,
        name=warehouse.name,
        detail=warehouse.detail,
        warehouse_company=EntityKey(company),
    )


def variant_out(v: VariantInfo) -> VariantOut:
    # i.LEVEL's text fields are never null: a variant without a code or barcode has "".
    return VariantOut(
        id=v.id,
        fk_product=v.product_id,
        code=v.code or "",
        barcode=v.barcode or "",
        colour=v.colour,
        sequence=v.sequence,
        size=v.size,
        detail=v.detail,
        vatable=v.vatable,
        rrp=v.rrp,
        variant_product=ProductOut(key=v.product_id, id=v.product_id, code=v.product_code, title=v.product_title),
    )


def record_out(record: StockRecord, warehouse: WarehouseOut, variant: VariantOut) -> StockRecordOut:
    return StockRecordOut(
        id=record_id(record.warehouse, record.variant),
        fk_warehouse=record.warehouse,
        fk_variant=record.variant,
        in_stock=record.levels.in_stock,
        demand=record.levels.demand,
        supply=record.levels.supply,
        last_update=record.last_update,
        stock_warehouse=warehouse,
        stock_variant=variant,
    )
