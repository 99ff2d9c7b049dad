"""Centra's stock rules: physical stock, the part of it allocated to orders, and what a stock update does.

An item's ``physical`` stock counts everything in the warehouse, including what is reserved for orders
(``allocated``); ``available = physical - allocated`` is never negative. A stock update sets ``physical``, but
never below ``allocated``: Centra silently raises it to the allocated stock (the doc's warning), and the
caller learns of it only through the clamps this module reports. Bundles take their stock from the products
they bundle, so an update cannot address them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import msgspec

from simulator.domain.currencies import ISO_4217
from simulator.domain.errors import InvalidChange
from simulator.domain.stock import MAX_QUANTITY

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
MAX_COST_PRICE = Decimal(1_000_000_000)
_DECIMAL = re.compile(r"^[0-9]+(\.[0-9]+)?$")


class StockItem(msgspec.Struct, frozen=True):
    plugin: str
    stock_item_id: int
    product_id: int
    variant_id: int
    sku: str
    variant_sku: str
    size_sku: str
    ean: str | None
    upc: str | None
    brand: str
    collection: str
    product: str
    variant: str
    size: str
    weight: float | None
    weight_unit: str
    country_of_origin: str
    harm_code: str
    harm_description: str
    active: bool
    bundle: bool
    physical: int
    allocated: int
    cost_price: str | None
    cost_currency: str | None
    created: str
    modified: str
    stock_modified: str

    @property
    def available(self) -> int:
        return self.physical - self.allocated

    @property
    def sku_key(self) -> str:
        return sku_key(self.sku, self.variant_sku, self.size_sku)


class StockLine(msgspec.Struct, frozen=True):
    """One entry of an update's ``products``: identifier as sent, and the values to set."""

    product: str
    quantity: int
    cost_price: str | None = None
    cost_currency: str | None = None


class StockFilter(msgspec.Struct, frozen=True):
    """Get stock's filters. ``since`` pairs a timestamp field (created, modified, stock_modified) with a lower
    bound in ``TIME_FORMAT`` or its date part."""

    sku: str | None = None
    ean: str | None = None
    upc: str | None = None
    product_id: int | None = None
    variant_id: int | None = None
    stock_item_id: int | None = None
    since: tuple[tuple[str, str], ...] = ()


class Clamp(msgspec.Struct, frozen=True):
    """A quantity below the allocated stock, raised to it (Centra's "email notification" case)."""

    product: str
    stock_item_id: int
    requested: int
    applied: int


class UpdateOutcome(msgspec.Struct, frozen=True):
    changed: tuple[StockItem, ...]
    not_found: tuple[str, ...]
    bundles: tuple[str, ...]
    clamps: tuple[Clamp, ...]

    @property
    def complete(self) -> bool:
        return not self.not_found and not self.bundles


def sku_key(sku: str, variant_sku: str, size_sku: str) -> str:
    """The doc's third identifier: "a combination of sku, variantSku and sizeSku" (concatenated)."""
    return f"{sku}{variant_sku}{size_sku}"


def timestamp(epoch: float) -> str:
    """A moment as the store keeps it: UTC, in ``TIME_FORMAT``."""
    return _written(datetime.fromtimestamp(epoch, UTC))


def company_zone(name: str) -> tzinfo:
    """The company's time zone by its IANA name ("Timezone is system-wide and decided by the company using
    Centra"); InvalidChange when the name is none. UTC needs no time zone database."""
    if name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        missing = "" if available_timezones() else " (this machine has no time zone database: install tzdata)"
        raise InvalidChange(
            "timezone", f"expected an IANA time zone name such as 'Europe/Stockholm' or 'UTC', got {name!r}{missing}"
        ) from None


def to_utc(local: str, zone: tzinfo) -> str:
    """A company time, ``TIME_FORMAT`` or its date part (midnight), as the store's UTC ``TIME_FORMAT``. A time the
    clocks skip or repeat (daylight saving) is read with the offset before the change."""
    moment = datetime.strptime(local, TIME_FORMAT if len(local) > len("YYYY-mm-dd") else "%Y-%m-%d")
    try:
        return _written(moment.replace(tzinfo=zone).astimezone(UTC))
    except OverflowError:  # within a day of year 1 or 9999: before or after every stored time
        return "0001-01-01 00:00:00" if moment.year == 1 else "9999-12-31 23:59:59"


def company_time(stored: str, zone: tzinfo) -> str:
    """A stored UTC ``TIME_FORMAT`` as the company's clock shows it."""
    moment = datetime.strptime(stored, TIME_FORMAT).replace(tzinfo=UTC)
    try:
        return _written(moment.astimezone(zone))
    except OverflowError:  # pragma: no cover - only for a stored time within a day of year 1 or 9999
        return stored


def _written(moment: datetime) -> str:
    # Not strftime: its %Y drops the leading zeros of years before 1000, and the store compares these as text.
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} "
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    )


def cost_price(value: str | int | float, field: str) -> str:
    """A cost price as stored: the string as sent, or the number written without float noise."""
    if isinstance(value, str):
        text = value.strip()
        if not _DECIMAL.match(text):
            raise InvalidChange(field, f"{field} must be a non-negative decimal number, got {value!r}")
        amount = Decimal(text)
    else:
        try:
            amount = Decimal(str(value))
        except InvalidOperation:  # pragma: no cover - msgspec never yields NaN/inf from JSON
            raise InvalidChange(field, f"{field} must be a number, got {value!r}") from None
        if not amount.is_finite() or amount < 0:
            raise InvalidChange(field, f"{field} must be a non-negative number, got {value!r}")
        text = format(amount, "f")  # 1e-07 -> "0.0000001": cost prices read as plain decimals
    if amount > MAX_COST_PRICE:
        raise InvalidChange(field, f"{field} must be at most {MAX_COST_PRICE}, got {value!r}")
    return text


def currency(value: str, field: str) -> str:
    if value not in ISO_4217:
        raise InvalidChange(field, f"{field} must be an ISO 4217 currency code such as SEK, EUR or USD, got {value!r}")
    return value


def apply_update(found: Mapping[str, StockItem], lines: Sequence[StockLine], now: str) -> UpdateOutcome:
    """Apply ``lines`` in order to the items ``found`` (identifier -> item as stored); later lines see earlier ones.

    Unknown identifiers and bundles are reported, not applied; the other lines still apply (the doc: "Some of
    the products were not updated"). Each identifier is reported once, in the order first sent.
    """
    working: dict[int, StockItem] = {}
    not_found: dict[str, None] = {}
    bundles: dict[str, None] = {}
    clamps: list[Clamp] = []
    for line in lines:
        stored = found.get(line.product)
        if stored is None:
            not_found[line.product] = None
            continue
        if stored.bundle:
            bundles[line.product] = None
            continue
        item = working.get(stored.stock_item_id, stored)
        quantity = max(line.quantity, item.allocated)
        if quantity != line.quantity:
            clamps.append(Clamp(line.product, item.stock_item_id, line.quantity, quantity))
        working[item.stock_item_id] = _set(item, quantity, line, now)
    originals = {item.stock_item_id: item for item in found.values()}
    changed = tuple(item for sid, item in working.items() if item != originals[sid])
    return UpdateOutcome(changed, tuple(not_found), tuple(bundles), tuple(clamps))


def allocate(item: StockItem, quantity: int, now: str) -> StockItem:
    if item.allocated + quantity > item.physical:
        raise InvalidChange(
            "allocate",
            f"cannot allocate {quantity}: stock item {item.stock_item_id} has {item.available} available "
            f"(physicalStock {item.physical}, allocatedStock {item.allocated})",
        )
    return _stock(item, item.physical, item.allocated + quantity, now)


def release(item: StockItem, quantity: int, now: str) -> StockItem:
    if quantity > item.allocated:
        raise InvalidChange(
            "release", f"cannot release {quantity}: stock item {item.stock_item_id} has {item.allocated} allocated"
        )
    return _stock(item, item.physical, item.allocated - quantity, now)


def ship(item: StockItem, quantity: int, now: str) -> StockItem:
    """An order leaves the warehouse: its allocated units leave the physical stock too."""
    if quantity > item.allocated:
        raise InvalidChange(
            "ship", f"cannot ship {quantity}: stock item {item.stock_item_id} has {item.allocated} allocated"
        )
    return _stock(item, item.physical - quantity, item.allocated - quantity, now)


def _set(item: StockItem, quantity: int, line: StockLine, now: str) -> StockItem:
    updated = msgspec.structs.replace(item, physical=quantity)
    if line.cost_price is not None:
        updated = msgspec.structs.replace(updated, cost_price=line.cost_price)
    if line.cost_currency is not None:
        updated = msgspec.structs.replace(updated, cost_currency=line.cost_currency)
    if updated == item:
        return item  # the same values again: not a modification, timestamps stay
    stock_modified = now if updated.physical != item.physical else item.stock_modified
    return msgspec.structs.replace(updated, modified=now, stock_modified=stock_modified)


def _stock(item: StockItem, physical: int, allocated: int, now: str) -> StockItem:
    assert 0 <= allocated <= physical <= MAX_QUANTITY
    if (physical, allocated) == (item.physical, item.allocated):
        return item
    return msgspec.structs.replace(item, physical=physical, allocated=allocated, modified=now, stock_modified=now)
