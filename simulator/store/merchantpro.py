"""MerchantPro products in the store: one layered row per product, warehouse stock kept inside it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any, Literal

import msgspec

from simulator import progress
from simulator.domain.errors import NotFound
from simulator.domain.merchantpro import InventoryChange, Product, WarehouseStock, apply_change
from simulator.domain.money import basis_points, gross_from_net, net_from_gross, to_cents
from simulator.numbers import whole_number
from simulator.scenarios import merchantpro as spec
from simulator.scenarios.loaded import LoadedScenario
from simulator.store.layered import LayeredTable, World
from simulator.store.part import StorePart

PRODUCTS = LayeredTable(
    "mp_product",
    key=("shop", "id"),
    columns=(
        "sku",
        "ean",
        "inventory_enabled",
        "stock",
        "price_net",
        "price_gross",
        "old_price_net",
        "old_price_gross",
        "tax_rate",
        "warehouses",
    ),
    indexes=(("shop", "sku"), ("shop", "ean")),
)
TABLES = (PRODUCTS,)
SANDBOX_TABLES: tuple[str, ...] = ()
DDL = ""

Lookup = Literal["id", "sku", "ean"]
_FIND = {by: PRODUCTS.lookup(f"shop = ?3 AND {by} = ?4", "LIMIT 1") for by in ("id", "sku", "ean")}
_warehouse_codec = msgspec.json.Encoder()
_warehouse_decode = msgspec.json.Decoder(list[tuple[int, int]])


def seed(conn: sqlite3.Connection, scenario: LoadedScenario) -> int:
    count = 0
    for shop in spec.section(scenario).shops:
        rows = list(_shop_rows(shop))
        PRODUCTS.seed(conn, scenario.id, rows)
        count += len(rows)
        if shop.generate is not None:
            count += _seed_generated(conn, scenario.id, shop, shop.generate)
    return count


def find(conn: sqlite3.Connection, world: World, shop: spec.Shop, by: Lookup, identifier: str) -> Product | None:
    if by == "id":
        value: Any = whole_number(identifier, 0, 2**63 - 1)  # SQLite's integers
        if value is None:
            return None
    else:
        value = identifier
    rows = _FIND[by](conn, world, shop.name, value)
    return _product(shop, rows[0]) if rows else None


def update(
    conn: sqlite3.Connection,
    world: World,
    shop: spec.Shop,
    by: Lookup,
    identifier: str,
    change: InventoryChange,
) -> Product:
    """Read, change (by the domain's rule) and write one product: an atomic read-modify-write whose only change is
    its last statement (Store.run's ``one_write``), whether or not the caller opened a transaction."""
    current = find(conn, world, shop, by, identifier)
    if current is None:
        raise NotFound(f"no product with {by} {identifier!r}")
    updated = apply_change(current, change, shop.multi_warehouse)
    if updated != current:
        PRODUCTS.put(conn, world, _row(shop.name, updated), _row(shop.name, current))
    return updated


class ShopState(msgspec.Struct, frozen=True):
    products: list[Product]  # the first products by id
    total: int


def state(conn: sqlite3.Connection, world: World, scenario: LoadedScenario, limit: int) -> dict[str, ShopState]:
    """Per shop, the first ``limit`` products by id, and how many there are."""
    shops: dict[str, ShopState] = {}
    for shop in spec.section(scenario).shops:
        rows = PRODUCTS.select(
            conn, world, "shop = :shop", {"shop": shop.name, "limit": limit}, "ORDER BY id LIMIT :limit"
        )
        shops[shop.name] = ShopState(
            products=[_product(shop, r) for r in rows],
            total=PRODUCTS.count(conn, world, "shop = :shop", {"shop": shop.name}),
        )
    return shops


def _product(shop: spec.Shop, row: tuple[Any, ...]) -> Product:
    warehouses: tuple[WarehouseStock, ...] = ()  # a single-warehouse shop (most): no generator to make and run
    if shop.warehouses:
        stocks = dict(_warehouse_decode.decode(row[11])) if row[11] else {}
        warehouses = tuple(WarehouseStock(w.id, w.name, stocks.get(w.id, 0)) for w in shop.warehouses)
    return Product(
        id=row[1],
        sku=row[2],
        ean=row[3],
        inventory_enabled=bool(row[4]),
        stock=row[5],
        price_net=row[6],
        price_gross=row[7],
        old_price_net=row[8],
        old_price_gross=row[9],
        tax_rate=row[10],
        warehouses=warehouses,
    )


def _row(shop: str, p: Product) -> tuple[Any, ...]:
    warehouses = _warehouse_codec.encode([(w.id, w.stock) for w in p.warehouses]) if p.warehouses else None
    return (
        shop,
        p.id,
        p.sku,
        p.ean,
        int(p.inventory_enabled),
        p.stock,
        p.price_net,
        p.price_gross,
        p.old_price_net,
        p.old_price_gross,
        p.tax_rate,
        warehouses,
    )


def _prices(net: float | None, gross: float | None, rate: float) -> tuple[int | None, int | None]:
    if net is not None:
        return to_cents(net), gross_from_net(to_cents(net), rate)
    if gross is not None:
        return net_from_gross(to_cents(gross), rate), to_cents(gross)
    return None, None


def _shop_rows(shop: spec.Shop) -> Iterator[tuple[Any, ...]]:
    ids = {w.name: w.id for w in shop.warehouses}
    for p in shop.products:
        rate = shop.tax_rate if p.tax_rate is None else p.tax_rate
        net, gross = _prices(p.price_net, p.price_gross, rate)
        old_net, old_gross = _prices(p.old_price_net, p.old_price_gross, rate)
        stocks = {(w.id if w.id is not None else ids[w.name or ""]): w.stock for w in p.warehouses}
        warehouses = [(w.id, stocks.get(w.id, 0)) for w in shop.warehouses]
        stock = sum(stocks.values()) if shop.multi_warehouse else p.stock or 0
        yield (
            shop.name,
            p.id,
            p.sku,
            p.ean,
            int(spec.inventory_on(p)),
            stock,
            net,
            gross,
            old_net,
            old_gross,
            rate,
            _warehouse_codec.encode(warehouses) if shop.multi_warehouse else None,
        )


# Synthetic products are made by SQLite itself (one INSERT ... SELECT over a counter): building 100k rows in
# Python and binding them cost three times as long. Values come from a fixed integer hash of (ordinal, seed,
# field), so a seed always gives the same catalog. Every product stays below 2**62, so SQLite never overflows.
GENERATE_SLICE = 50_000
_HASH = "(((((n * 1103515245 + {salt}) % 2147483648) * 1103515245 + 12345) % 2147483648) >> 4)"
_GENERATE = """
WITH RECURSIVE seq(n) AS (SELECT :from UNION ALL SELECT n + 1 FROM seq WHERE n < :to),
draws AS (SELECT n, {net} AS net{stock_columns} FROM seq)
INSERT INTO mp_product_base (scenario, shop, id, sku, ean, inventory_enabled, stock, price_net, price_gross,
                             old_price_net, old_price_gross, tax_rate, warehouses)
SELECT :scenario, :shop, :first + n - 1, printf(:sku, n), {ean}, :enabled, {stock}, net,
       (2 * net * :factor + 10000) / 20000, NULL, NULL, :rate, {warehouses}
FROM draws
"""


def _seed_generated(conn: sqlite3.Connection, scenario: str, shop: spec.Shop, gen: spec.Generate) -> int:
    def draw(field: int, low: str, span: str) -> str:
        return f"{low} + {_HASH.format(salt=f':seed * 7919 + {field}')} % {span}"

    stocks = [f"s{i}" for i in range(len(shop.warehouses))] if shop.multi_warehouse else ["s0"]
    stock_columns = "".join(f", {draw(i + 1, ':low', ':span')} AS {name}" for i, name in enumerate(stocks))
    warehouses = "NULL"
    if shop.multi_warehouse:
        pairs = ", ".join(f"json_array({w.id}, {name})" for w, name in zip(shop.warehouses, stocks, strict=True))
        warehouses = f"json_array({pairs})"
    sql = _GENERATE.format(
        net=draw(0, ":net_low", ":net_span"),
        stock_columns=stock_columns,
        stock=" + ".join(stocks) or "0",
        ean="printf(:ean, n)" if gen.ean else "NULL",
        warehouses=warehouses,
    )
    net_low = round(gen.price_net[0] * 100)
    params: dict[str, Any] = {
        "seed": gen.seed,
        "scenario": scenario,
        "shop": shop.name,
        "first": gen.first_id,
        "sku": spec.printf_pattern(gen.sku),
        "ean": spec.printf_pattern(gen.ean) if gen.ean else None,
        "enabled": int(spec.switch_on(gen.inventory_enabled)),
        "low": gen.stock[0],
        "span": gen.stock[1] - gen.stock[0] + 1,
        "net_low": net_low,
        "net_span": round(gen.price_net[1] * 100) - net_low + 1,
        "factor": 10_000 + basis_points(shop.tax_rate),
        "rate": shop.tax_rate,
    }
    # In slices, so a catalog of millions can report its progress; each row depends only on its ordinal n, so the
    # slices make the same rows as one statement would.
    with progress.task(f"generating products for shop {shop.name!r}", total=gen.count) as task:
        for start in range(1, gen.count + 1, GENERATE_SLICE):
            end = min(start + GENERATE_SLICE - 1, gen.count)
            conn.execute(sql, {**params, "from": start, "to": end})
            task.advance(end - start + 1)
    return gen.count


PART = StorePart(tables=TABLES, sandbox_tables=SANDBOX_TABLES, ddl=DDL, seed=seed)
