"""Centra stock items in the store: one layered row per stock item, and the sandbox's admin notifications."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import tzinfo
from typing import Any

import msgspec

from simulator.domain.centra import (
    Clamp,
    StockFilter,
    StockItem,
    StockLine,
    UpdateOutcome,
    apply_update,
    company_zone,
    cost_price,
    to_utc,
)
from simulator.domain.errors import NotFound
from simulator.scenarios import centra as spec
from simulator.scenarios.loaded import LoadedScenario
from simulator.store.layered import LayeredTable, World
from simulator.store.part import StorePart

_ITEM_FIELDS = StockItem.__struct_fields__
ITEMS = LayeredTable(
    "centra_item",
    key=_ITEM_FIELDS[:2],  # plugin, stock_item_id
    columns=(*_ITEM_FIELDS[2:], "sku_key"),
    indexes=(("plugin", "ean"), ("plugin", "upc"), ("plugin", "sku"), ("plugin", "sku_key")),
)
TABLES = (ITEMS,)
SANDBOX_TABLES: tuple[str, ...] = ("centra_notification",)
DDL = """
CREATE TABLE IF NOT EXISTS centra_notification (
    id INTEGER PRIMARY KEY AUTOINCREMENT, sandbox TEXT NOT NULL, plugin TEXT NOT NULL, at TEXT NOT NULL,
    product TEXT NOT NULL, stock_item_id INTEGER NOT NULL, requested INTEGER NOT NULL, applied INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS centra_notification_sandbox ON centra_notification (sandbox, plugin, id);
"""


class Page(msgspec.Struct, frozen=True):
    items: list[StockItem]
    more: bool


def seed(conn: sqlite3.Connection, scenario: LoadedScenario) -> int:
    count = 0
    for plugin in spec.section(scenario).plugins:
        zone = company_zone(plugin.timezone)
        rows = [_row(_seeded(plugin.name, item, zone)) for item in plugin.items]
        ITEMS.seed(conn, scenario.id, rows)
        count += len(rows)
    return count


def update_stock(
    conn: sqlite3.Connection,
    world: World,
    plugin: str,
    lines: Sequence[StockLine],
    now: str,
    forced: frozenset[str] = frozenset(),
) -> UpdateOutcome:
    """One stock update, read-modify-write inside the caller's transaction; clamps become notifications.
    Products in ``forced`` (a fault rule's fail_items) are treated as not found."""
    found = _by_identifier(conn, world, plugin, {line.product for line in lines} - forced)
    outcome = apply_update(found, lines, now)
    ITEMS.put_many(conn, world, (_row(item) for item in outcome.changed))
    _notify(conn, world, plugin, now, outcome.clamps)
    return outcome


def change_item(
    conn: sqlite3.Connection,
    world: World,
    plugin: str,
    product: str | None,
    stock_item_id: int | None,
    change: Callable[[StockItem], StockItem],
) -> StockItem:
    """Find one item by identifier or stockItemId, change it and write it back (one transaction)."""
    if stock_item_id is not None:
        rows = ITEMS.select(
            conn, world, "plugin = :plugin AND stock_item_id = :id", {"plugin": plugin, "id": stock_item_id}
        )
        item = _item(rows[0]) if rows else None
    else:
        item = _by_identifier(conn, world, plugin, {product or ""}).get(product or "")
    if item is None:
        what = f"stockItemId {stock_item_id}" if stock_item_id is not None else f"product {product!r}"
        raise NotFound(f"no stock item with {what} in plugin {plugin!r}")
    updated = change(item)
    if updated != item:
        ITEMS.put(conn, world, _row(updated), _row(item))
    return updated


def get_stock(
    conn: sqlite3.Connection, world: World, plugin: str, filters: StockFilter, limit: int | None, page: int
) -> Page:
    where = ["plugin = :plugin"]
    params: dict[str, Any] = {"plugin": plugin}
    if filters.sku is not None:
        where.append("(sku = :sku OR sku_key = :sku)")
        params["sku"] = filters.sku
    for column, value in (
        ("ean", filters.ean),
        ("upc", filters.upc),
        ("product_id", filters.product_id),
        ("variant_id", filters.variant_id),
        ("stock_item_id", filters.stock_item_id),
    ):
        if value is not None:
            where.append(f"{column} = :{column}")
            params[column] = value
    for column, bound in filters.since:
        assert column in _SINCE, column  # interpolated into SQL: only the three timestamp columns
        where.append(f"{column} >= :since_{column}")
        params[f"since_{column}"] = bound
    tail = "ORDER BY stock_item_id"
    if limit is not None:
        # One row past the page tells whether a next page exists.
        tail += " LIMIT :limit OFFSET :offset"
        params["limit"], params["offset"] = limit + 1, (page - 1) * limit
    rows = ITEMS.select(conn, world, " AND ".join(where), params, tail)
    items = [_item(r) for r in rows]
    if limit is not None and len(items) > limit:
        return Page(items[:limit], True)
    return Page(items, False)


class Notification(msgspec.Struct, frozen=True):
    """A clamp the store kept for the sandbox's admin notifications."""

    id: int
    plugin: str
    at: str
    clamp: Clamp


class PluginState(msgspec.Struct, frozen=True):
    items: list[StockItem]  # the first items by stockItemId
    total: int
    notifications: int


def notifications(conn: sqlite3.Connection, sandbox: str, plugin: str | None) -> list[Notification]:
    sql = "SELECT id, plugin, at, product, stock_item_id, requested, applied FROM centra_notification WHERE sandbox = ?"
    args: list[Any] = [sandbox]
    if plugin is not None:
        sql += " AND plugin = ?"
        args.append(plugin)
    return [Notification(r[0], r[1], r[2], Clamp(*r[3:7])) for r in conn.execute(sql + " ORDER BY id", args)]


def state(conn: sqlite3.Connection, world: World, scenario: LoadedScenario, limit: int) -> dict[str, PluginState]:
    """Per plugin, the first ``limit`` items by stockItemId, how many there are, and how many notifications."""
    plugins: dict[str, PluginState] = {}
    for plugin in spec.section(scenario).plugins:
        page = get_stock(conn, world, plugin.name, StockFilter(), limit, 1)
        plugins[plugin.name] = PluginState(
            items=page.items,
            total=ITEMS.count(conn, world, "plugin = :plugin", {"plugin": plugin.name}),
            notifications=conn.execute(
                "SELECT count(*) FROM centra_notification WHERE sandbox = ? AND plugin = ?",
                (world.sandbox, plugin.name),
            ).fetchone()[0],
        )
    return plugins


def _by_identifier(conn: sqlite3.Connection, world: World, plugin: str, wanted: Iterable[str]) -> dict[str, StockItem]:
    """identifier -> item, for the identifiers (EANs, UPCs or sku combinations) that name an item of the plugin."""
    ids = msgspec.json.encode(sorted(wanted)).decode()
    rows: list[tuple[Any, ...]] = []
    # One lookup per identifier rather than one OR, so each can use its index.
    for column in ("ean", "upc", "sku_key"):
        rows += ITEMS.select(
            conn,
            world,
            f"plugin = :plugin AND {column} IN (SELECT value FROM json_each(:ids))",
            {"plugin": plugin, "ids": ids},
        )
    found: dict[str, StockItem] = {}
    for row in rows:
        item = _item(row)
        # The scenario check keeps EANs, UPCs and sku combinations from naming two items.
        found[item.sku_key] = item
        for identifier in (item.ean, item.upc):
            if identifier is not None:
                found[identifier] = item
    return found


def _notify(conn: sqlite3.Connection, world: World, plugin: str, now: str, clamps: Iterable[Clamp]) -> None:
    conn.executemany(
        "INSERT INTO centra_notification (sandbox, plugin, at, product, stock_item_id, requested, applied) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        ((world.sandbox, plugin, now, c.product, c.stock_item_id, c.requested, c.applied) for c in clamps),
    )


def _seeded(plugin: str, i: spec.Item, zone: tzinfo) -> StockItem:
    """A scenario item as stored; its timestamps are the company's time, stored in UTC."""
    created = to_utc(i.created or spec.DEFAULT_CREATED, zone)
    modified = to_utc(i.modified, zone) if i.modified else created
    return StockItem(
        plugin=plugin,
        stock_item_id=i.stock_item_id,
        product_id=i.product_id,
        variant_id=i.variant_id,
        sku=i.sku,
        variant_sku=i.variant_sku,
        size_sku=i.size_sku,
        ean=i.ean,
        upc=i.upc,
        brand=i.brand,
        collection=i.collection,
        product=i.product,
        variant=i.variant,
        size=i.size,
        weight=i.weight,
        weight_unit=i.weight_unit,
        country_of_origin=i.country_of_origin,
        harm_code=i.harm_code,
        harm_description=i.harm_description,
        active=i.active,
        bundle=i.bundle,
        physical=i.physical_stock,
        allocated=i.allocated_stock,
        cost_price=None if i.cost_price is None else cost_price(i.cost_price, "costPrice"),
        cost_currency=i.cost_price_currency,
        created=created,
        modified=modified,
        stock_modified=to_utc(i.stock_modified, zone) if i.stock_modified else modified,
    )


def _row(item: StockItem) -> tuple[Any, ...]:
    return (*msgspec.structs.astuple(item), item.sku_key)


def _item(row: Sequence[Any]) -> StockItem:
    values = list(row[: len(_ITEM_FIELDS)])
    values[_ACTIVE] = bool(values[_ACTIVE])
    values[_BUNDLE] = bool(values[_BUNDLE])
    return StockItem(*values)


_SINCE = frozenset({"created", "modified", "stock_modified"})
_ACTIVE = _ITEM_FIELDS.index("active")
_BUNDLE = _ITEM_FIELDS.index("bundle")


PART = StorePart(tables=TABLES, sandbox_tables=SANDBOX_TABLES, ddl=DDL, seed=seed)
