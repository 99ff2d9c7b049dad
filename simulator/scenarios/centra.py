"""The ``centra:`` section of a scenario: Order API plugins, their tokens, and their stock items.

Field names are Centra's own (camelCase, as Get stock shows them), so a Get stock response can be pasted in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar, Literal

import msgspec

from simulator.domain.centra import TIME_FORMAT, company_zone, cost_price, sku_key
from simulator.domain.currencies import ISO_4217
from simulator.domain.errors import InvalidChange
from simulator.scenarios.loaded import LoadedScenario
from simulator.scenarios.part import ScenarioPart
from simulator.scenarios.problems import Problem, unique_values
from simulator.scenarios.types import PositiveId, Quantity, Secret, Slug

Text = Annotated[str, msgspec.Meta(max_length=512)]
Identifier = Annotated[str, msgspec.Meta(min_length=1, max_length=512)]
Weight = Annotated[float, msgspec.Meta(ge=0, le=1e6)]
CostPrice = str | int | float
# Items without timestamps get this one, so a scenario reads the same on every run.
DEFAULT_CREATED = "2024-01-01 00:00:00"


class Item(msgspec.Struct, forbid_unknown_fields=True, rename="camel"):
    stock_item_id: PositiveId
    product_id: PositiveId
    variant_id: PositiveId
    sku: Identifier
    variant_sku: Text = ""
    size_sku: Text = ""
    ean: Identifier | None = None
    upc: Identifier | None = None
    brand: Text = ""
    collection: Text = ""
    product: Text = ""
    variant: Text = ""
    size: Text = ""
    weight: Weight | None = None
    weight_unit: Literal["kg", "lb"] = "kg"
    country_of_origin: Text = ""
    harm_code: Text = ""
    harm_description: Text = ""
    active: bool = True
    physical_stock: Quantity = 0
    allocated_stock: Quantity = 0
    bundle: bool = False
    cost_price: CostPrice | None = None
    cost_price_currency: str | None = None
    created: str | None = None
    modified: str | None = None
    stock_modified: str | None = msgspec.field(default=None, name="stock_modified")


class Plugin(msgspec.Struct, forbid_unknown_fields=True, rename="camel"):
    name: Slug
    api_token: Secret = msgspec.field(name="api_token")
    items: list[Item] = []
    # The company's time zone (an IANA name): Get stock's date filters are read in it ("Timezone is system-wide
    # and decided by the company using Centra"); timestamps are stored in UTC.
    timezone: Text = "UTC"
    # How updates are read: "strict" refuses "5", 5.0 and unknown fields; "lenient" takes the numbers and leaves
    # the fields out (simulator/vendors/centra/lenient.py). The same setting as i.LEVEL tenants'.
    input: Literal["strict", "lenient"] = "strict"
    # Lists whose entries nothing else in the scenario refers to (see salvage).
    standalone: ClassVar[tuple[str, ...]] = ("items",)


class Section(msgspec.Struct, forbid_unknown_fields=True):
    plugins: list[Plugin] = []


def check(section: Section, at: str) -> list[Problem]:
    """Rules across fields; each problem names its exact path, e.g. ``$.centra.plugins[0].items[3].ean``."""
    problems: list[Problem] = []
    unique_values(problems, f"{at}.plugins", "name", [p.name for p in section.plugins])
    for p, plugin in enumerate(section.plugins):
        problems.extend(_check_plugin(plugin, f"{at}.plugins[{p}]"))
    return problems


def _check_plugin(plugin: Plugin, here: str) -> list[Problem]:
    problems: list[Problem] = []
    try:
        company_zone(plugin.timezone)
    except InvalidChange as exc:
        problems.append(Problem(f"{here}.timezone", exc.message))
    items = f"{here}.items"
    unique_values(problems, items, "stockItemId", [i.stock_item_id for i in plugin.items])
    eans = unique_values(problems, items, "ean", [i.ean for i in plugin.items], skip_none=True)
    upcs = unique_values(problems, items, "upc", [i.upc for i in plugin.items], skip_none=True)
    keys: dict[str, int] = {}
    for n, item in enumerate(plugin.items):
        at = f"{items}[{n}]"
        key = sku_key(item.sku, item.variant_sku, item.size_sku)
        if key in keys:
            problems.append(Problem(f"{at}.sku", f"sku+variantSku+sizeSku {key!r} repeats {items}[{keys[key]}]"))
        else:
            keys[key] = n
        # An update's `product` is an EAN, a UPC or the sku combination: one string must not name two items.
        for field, own, others, what in (
            ("sku", key, eans, "ean"),
            ("sku", key, upcs, "upc"),
            ("upc", item.upc, eans, "ean"),
        ):
            clash = None if own is None else others.get(own)
            if clash is not None and clash != n:
                label = "sku+variantSku+sizeSku" if field == "sku" else field
                problems.append(Problem(f"{at}.{field}", f"{label} {own!r} equals the {what} of {items}[{clash}]"))
        if item.allocated_stock > item.physical_stock:
            problems.append(
                Problem(
                    f"{at}.allocatedStock",
                    f"allocatedStock {item.allocated_stock} exceeds physicalStock {item.physical_stock}",
                )
            )
        if item.cost_price_currency is not None and item.cost_price_currency not in ISO_4217:
            problems.append(
                Problem(f"{at}.costPriceCurrency", f"expected an ISO 4217 code, got {item.cost_price_currency!r}")
            )
        problems.extend(_check_cost_price(item, at))
        for field, value in (("created", item.created), ("modified", item.modified)):
            problems.extend(_check_time(value, f"{at}.{field}"))
        problems.extend(_check_time(item.stock_modified, f"{at}.stock_modified"))
    return problems


def _check_cost_price(item: Item, at: str) -> list[Problem]:
    if item.cost_price is None:
        return []
    try:
        cost_price(item.cost_price, "costPrice")
    except InvalidChange as exc:
        return [Problem(f"{at}.costPrice", exc.message)]
    return []


def _check_time(value: str | None, at: str) -> list[Problem]:
    if value is None:
        return []
    try:
        datetime.strptime(value, TIME_FORMAT)
    except ValueError:
        return [Problem(at, f"expected 'YYYY-mm-dd HH:MM:SS', got {value!r}")]
    return []


PART = ScenarioPart(
    vendor="centra",
    key="centra",
    type=Section,
    check=check,
    accounts=lambda section: {plugin.name for plugin in section.plugins},
)


def section(scenario: LoadedScenario) -> Section:
    return PART.of(scenario.spec)


def plugins(scenario: LoadedScenario) -> dict[str, Plugin]:
    """The Order API plugins by the name in their URL."""
    return scenario.index("centra.plugins", lambda spec: {p.name: p for p in PART.of(spec).plugins})
