"""MerchantPro's inventory rules: what a PATCH may change and what follows from it.

A product has a net and a gross price tied by the shop's VAT rate; changing one recomputes the other (the doc's
examples, all at 19%). In a shop with the Multi Warehouse app, stock lives in the warehouses and the product's
stock is their sum, so it can only be changed through them.
"""

from __future__ import annotations

import msgspec

from simulator.domain.errors import InvalidChange
from simulator.domain.money import gross_from_net, net_from_gross
from simulator.domain.stock import QuantityChange, apply_quantity


class WarehouseStock(msgspec.Struct, frozen=True):
    id: int
    name: str
    stock: int


class Product(msgspec.Struct, frozen=True):
    id: int
    sku: str
    ean: str | None
    inventory_enabled: bool
    stock: int
    price_net: int  # cents
    price_gross: int
    old_price_net: int | None
    old_price_gross: int | None
    tax_rate: float
    warehouses: tuple[WarehouseStock, ...]  # empty unless the shop has Multi Warehouse


class WarehouseChange(msgspec.Struct, frozen=True):
    id: int | None
    name: str | None
    stock: QuantityChange
    position: int  # index in the request, for error messages


class InventoryChange(msgspec.Struct, frozen=True):
    inventory_enabled: bool | None = None
    stock: QuantityChange | None = None
    warehouses: tuple[WarehouseChange, ...] | None = None
    price_net: int | None = None
    price_gross: int | None = None
    old_price_net: int | None = None
    old_price_gross: int | None = None


def apply_change(product: Product, change: InventoryChange, multi_warehouse: bool) -> Product:
    updated = product
    if change.inventory_enabled is not None:
        updated = msgspec.structs.replace(updated, inventory_enabled=change.inventory_enabled)
    if change.stock is not None:
        if multi_warehouse:
            raise InvalidChange(
                "stock",
                "stock cannot be changed directly while the Multi Warehouse application is installed; "
                "change warehouses[].stock instead",
            )
        updated = msgspec.structs.replace(updated, stock=apply_quantity(product.stock, change.stock, "stock"))
    if change.warehouses is not None:
        if not multi_warehouse:
            raise InvalidChange("warehouses", "warehouses can only be changed when Multi Warehouse is installed")
        updated = _apply_warehouses(updated, change.warehouses)
    net, gross = _prices(
        product.price_net, product.price_gross, change.price_net, change.price_gross, product.tax_rate, "price"
    )
    old_net, old_gross = _prices(
        product.old_price_net,
        product.old_price_gross,
        change.old_price_net,
        change.old_price_gross,
        product.tax_rate,
        "old_price",
    )
    assert net is not None and gross is not None  # a product always has both prices
    return msgspec.structs.replace(
        updated, price_net=net, price_gross=gross, old_price_net=old_net, old_price_gross=old_gross
    )


def _prices(
    net: int | None, gross: int | None, new_net: int | None, new_gross: int | None, rate: float, name: str
) -> tuple[int | None, int | None]:
    if new_net is not None and new_gross is not None:
        if gross_from_net(new_net, rate) != new_gross and net_from_gross(new_gross, rate) != new_net:
            raise InvalidChange(
                f"{name}_gross",
                f"{name}_net {new_net / 100:.2f} and {name}_gross {new_gross / 100:.2f} disagree at the product's "
                f"tax rate of {rate:g}%; send one of them and the other is computed",
            )
        return new_net, new_gross
    if new_net is not None:
        return new_net, gross_from_net(new_net, rate)
    if new_gross is not None:
        return net_from_gross(new_gross, rate), new_gross
    return net, gross


def _apply_warehouses(product: Product, changes: tuple[WarehouseChange, ...]) -> Product:
    stocks = {w.id: w for w in product.warehouses}
    by_name = {w.name: w.id for w in product.warehouses}
    touched: set[int] = set()
    for change in changes:
        at = f"warehouses[{change.position}]"
        wid = _resolve_warehouse(change, stocks, by_name, at)
        if wid in touched:
            raise InvalidChange(at, f"{at} names warehouse {wid} a second time")
        touched.add(wid)
        current = stocks[wid]
        stocks[wid] = msgspec.structs.replace(current, stock=apply_quantity(current.stock, change.stock, f"{at}.stock"))
    warehouses = tuple(stocks[w.id] for w in product.warehouses)
    return msgspec.structs.replace(product, warehouses=warehouses, stock=sum(w.stock for w in warehouses))


def _resolve_warehouse(
    change: WarehouseChange, stocks: dict[int, WarehouseStock], by_name: dict[str, int], at: str
) -> int:
    if change.id is None and change.name is None:
        raise InvalidChange(at, f"{at} needs the warehouse's id or name")
    if change.id is not None and change.id not in stocks:
        raise InvalidChange(f"{at}.id", f"warehouse id {change.id} does not exist in this shop")
    if change.name is not None and change.name not in by_name:
        raise InvalidChange(f"{at}.name", f"warehouse {change.name!r} does not exist in this shop")
    if change.id is not None and change.name is not None and by_name[change.name] != change.id:
        raise InvalidChange(at, f"{at}: id {change.id} and name {change.name!r} are different warehouses")
    return change.id if change.id is not None else by_name[change.name]  # type: ignore[index]
