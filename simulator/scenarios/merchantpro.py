"""The ``merchantpro:`` section of a scenario: shops, their settings, warehouses and products."""

from __future__ import annotations

from typing import ClassVar, Literal

import msgspec

from simulator.scenarios import codes
from simulator.scenarios.loaded import LoadedScenario
from simulator.scenarios.part import ScenarioPart
from simulator.scenarios.problems import Problem, unique_values
from simulator.scenarios.types import (
    MAX_ID,
    AttemptCount,
    GeneratedCount,
    NonEmpty,
    Percent,
    PositiveId,
    Price,
    Quantity,
    Secret,
    Seed,
    Slug,
)

# YAML 1.1 reads a bare `on`/`off` as a boolean, so the scenario accepts both spellings.
Switch = bool | Literal["on", "off"]


def switch_on(value: Switch) -> bool:
    return value is True or value == "on"


class Warehouse(msgspec.Struct, forbid_unknown_fields=True):
    id: PositiveId
    name: NonEmpty


class WarehouseStock(msgspec.Struct, forbid_unknown_fields=True):
    stock: Quantity
    id: PositiveId | None = None
    name: NonEmpty | None = None


class Product(msgspec.Struct, forbid_unknown_fields=True):
    id: PositiveId
    sku: NonEmpty
    ean: NonEmpty | None = None
    # Unset: see inventory_on.
    inventory_enabled: Switch | None = None
    stock: Quantity | None = None
    warehouses: list[WarehouseStock] = []
    price_net: Price | None = None
    price_gross: Price | None = None
    old_price_net: Price | None = None
    old_price_gross: Price | None = None
    tax_rate: Percent | None = None


def inventory_on(product: Product) -> bool:
    """A listed product's inventory function. The doc: "Enabling the product inventory function (default off)"; a
    product that lists its ``stock`` or ``warehouses`` without saying has it on, since a scenario that gives a
    product stock means the shop to count it (and a product with the function off shows no stock)."""
    if product.inventory_enabled is not None:
        return switch_on(product.inventory_enabled)
    return product.stock is not None or bool(product.warehouses)


def printf_pattern(pattern: str) -> str | None:
    """``GEN-{n:07d}`` -> ``GEN-%07d`` for SQLite's printf; None when the pattern is not one (see ``codes``)."""
    parsed = codes.parse(pattern)
    return None if isinstance(parsed, str) else parsed.printf()


class Generate(msgspec.Struct, forbid_unknown_fields=True):
    """Synthetic products: ``{n}`` (or ``{n:07d}``, zero-padded) in a pattern is the product's ordinal."""

    count: GeneratedCount
    seed: Seed = 0
    first_id: PositiveId = 1_000_000
    sku: NonEmpty = "GEN-{n:07d}"
    ean: NonEmpty | None = "29{n:011d}"
    stock: tuple[Quantity, Quantity] = (0, 100)
    price_net: tuple[Price, Price] = (1.0, 500.0)
    # Generated products always have stock (the `stock` range), so, like listed products with stock, they count it.
    inventory_enabled: Switch = "on"


class Shop(msgspec.Struct, forbid_unknown_fields=True):
    name: Slug
    api_key: Secret
    api_secret: Secret
    multi_warehouse: bool = False
    tax_rate: Percent = 19.0
    warehouses: list[Warehouse] = []
    products: list[Product] = []
    generate: Generate | None = None
    # "Invalid credentials: 401; repeated attempts will return 403 Forbidden." The count is not documented.
    auth_failures_before_forbidden: AttemptCount = 5
    auth_lockout_seconds: float = 300.0
    # How PATCH bodies are read: "strict" refuses "5", 5.0, unknown and read-only fields (400); "lenient" takes the
    # numbers and leaves the fields out (simulator/vendors/merchantpro/lenient.py). Undocumented, so a setting.
    input: Literal["strict", "lenient"] = "strict"
    # Lists whose entries nothing else in the scenario refers to (see salvage).
    standalone: ClassVar[tuple[str, ...]] = ("products",)


class Section(msgspec.Struct, forbid_unknown_fields=True):
    shops: list[Shop] = []


def check(section: Section, at: str) -> list[Problem]:
    """Rules that span fields, which the Structs alone cannot express; each problem names its exact path."""
    problems: list[Problem] = []
    seen_shops: set[str] = set()
    for s, shop in enumerate(section.shops):
        here = f"{at}.shops[{s}]"
        if shop.name in seen_shops:
            problems.append(Problem(f"{here}.name", f"duplicate shop name {shop.name!r}"))
        seen_shops.add(shop.name)
        problems.extend(_check_shop(shop, here))
    return problems


def _check_shop(shop: Shop, here: str) -> list[Problem]:
    problems: list[Problem] = []
    if shop.warehouses and not shop.multi_warehouse:
        problems.append(Problem(f"{here}.warehouses", "warehouses need multi_warehouse: true"))
    wh_ids = unique_values(problems, f"{here}.warehouses", "id", [w.id for w in shop.warehouses])
    wh_names = unique_values(problems, f"{here}.warehouses", "name", [w.name for w in shop.warehouses])
    unique_values(problems, f"{here}.products", "id", [p.id for p in shop.products])
    unique_values(problems, f"{here}.products", "sku", [p.sku for p in shop.products])
    unique_values(problems, f"{here}.products", "ean", [p.ean for p in shop.products], skip_none=True)
    for i, product in enumerate(shop.products):
        at = f"{here}.products[{i}]"
        if product.price_net is None and product.price_gross is None:
            problems.append(Problem(at, "expected price_net or price_gross (the other is computed from tax_rate)"))
        if product.old_price_net is not None and product.old_price_gross is not None:
            problems.append(Problem(f"{at}.old_price_gross", "give old_price_net or old_price_gross, not both"))
        if product.price_net is not None and product.price_gross is not None:
            problems.append(Problem(f"{at}.price_gross", "give price_net or price_gross, not both"))
        if shop.multi_warehouse:
            if product.stock:
                problems.append(
                    Problem(f"{at}.stock", "a multi_warehouse shop's stock is the sum of warehouses[].stock")
                )
            for w, entry in enumerate(product.warehouses):
                problems.extend(_check_warehouse_ref(entry, f"{at}.warehouses[{w}]", wh_ids, wh_names))
        elif product.warehouses:
            problems.append(Problem(f"{at}.warehouses", "warehouses need multi_warehouse: true on the shop"))
    if shop.generate is not None:
        problems.extend(_check_generate(shop, here))
    return problems


def _check_warehouse_ref(entry: WarehouseStock, at: str, ids: dict[int, int], names: dict[str, int]) -> list[Problem]:
    if entry.id is None and entry.name is None:
        return [Problem(at, "expected id or name of one of the shop's warehouses")]
    if entry.id is not None and entry.id not in ids:
        return [Problem(f"{at}.id", f"no warehouse with id {entry.id} in the shop's warehouses")]
    if entry.name is not None and entry.name not in names:
        return [Problem(f"{at}.name", f"no warehouse named {entry.name!r} in the shop's warehouses")]
    if entry.id is not None and entry.name is not None and ids[entry.id] != names[entry.name]:
        return [Problem(at, "id and name name different warehouses")]
    return []


def _check_generate(shop: Shop, here: str) -> list[Problem]:
    """The block's own rules, and its products against the listed ones: no id, SKU or EAN may name two products."""
    gen = shop.generate
    assert gen is not None
    at = f"{here}.generate"
    problems: list[Problem] = []
    for field in ("stock", "price_net"):
        low, high = getattr(gen, field)
        if low > high:
            problems.append(Problem(f"{at}.{field}", f"expected [low, high] with low <= high, got [{low}, {high}]"))
    last_id = gen.first_id + gen.count - 1
    if last_id > MAX_ID:
        problems.append(Problem(f"{at}.first_id", f"generated ids {gen.first_id}..{last_id} go past {MAX_ID}"))
    clash = [p.id for p in shop.products if gen.first_id <= p.id <= last_id]
    if clash:
        problems.append(
            Problem(f"{at}.first_id", f"generated ids {gen.first_id}..{last_id} overlap product id {clash[0]}")
        )
    for field in ("sku", "ean"):
        listed = [getattr(product, field) for product in shop.products]
        problems += codes.collisions(getattr(gen, field), gen.count, field, listed, at, f"{here}.products", "product")
    return problems


PART = ScenarioPart(
    vendor="merchantpro",
    key="merchantpro",
    type=Section,
    check=check,
    accounts=lambda section: {shop.name for shop in section.shops},
    generated=lambda section, at: [
        (f"{at}.shops[{i}].generate.count", s.generate) for i, s in enumerate(section.shops)
    ],
)


def section(scenario: LoadedScenario) -> Section:
    return PART.of(scenario.spec)


def shops(scenario: LoadedScenario) -> dict[str, Shop]:
    """The shops by the name in their URL."""
    return scenario.index("merchantpro.shops", lambda spec: {s.name: s for s in PART.of(spec).shops})
