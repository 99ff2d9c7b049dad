"""The ``ilevel:`` section of a scenario: i.LEVEL Connect tenants, their warehouses, variants and stock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, ClassVar, Literal

import msgspec

from simulator.scenarios import codes
from simulator.scenarios.limits import MAX_GENERATED_ILEVEL
from simulator.scenarios.loaded import LoadedScenario
from simulator.scenarios.part import ScenarioPart
from simulator.scenarios.problems import Problem, unique_values
from simulator.scenarios.types import NonEmpty, Price, Quantity, Secret, Seed, Slug

# i.LEVEL ids are 32 upper-case hex characters (every id in the doc). Lookups are case-sensitive, so the
# scenario holds them in the one spelling clients must send.
HexId = Annotated[str, msgspec.Meta(pattern=r"^[0-9A-F]{32}$")]
Count = Annotated[int, msgspec.Meta(ge=0, le=MAX_GENERATED_ILEVEL)]
Identifier = Literal["variant_id", "barcode", "code"]
Text = Annotated[str, msgspec.Meta(max_length=512)]
Position = Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]
# The vendor's stock page shows lastUpdate as "2020-08-05T12:27:08": local time, no zone (the simulator's is UTC).
LastUpdate = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")]
# Scenario stock records without a lastUpdate get this one, so a scenario reads the same on every run.
DEFAULT_LAST_UPDATE = "2024-01-01T00:00:00"
# The HTTP status of errors 12001-12005, which the vendor does not document.
ErrorStatus = Annotated[int, msgspec.Meta(ge=400, le=599)]

# Which identifier wins when an item names its variant more than once: "first" follows the doc's order
# (variant_id, then barcode, then code) and ignores the rest; "agree" wants every given one to name the same
# variant and reports "Variant not found" otherwise.
Precedence = Literal["first", "agree"]


class Warehouse(msgspec.Struct, forbid_unknown_fields=True):
    """The vendor's warehouse entity: ``code`` defaults to the name, ``fk_company`` to the tenant's company."""

    id: HexId
    name: NonEmpty
    code: NonEmpty | None = None
    fk_company: HexId | None = None
    detail: Text = ""


class Product(msgspec.Struct, forbid_unknown_fields=True):
    id: HexId
    code: NonEmpty
    title: NonEmpty


class Variant(msgspec.Struct, forbid_unknown_fields=True):
    """A variant of a product (``product`` names one of the tenant's ``products``; without it the variant is the
    only variant of a product of its own, coded and titled like the variant)."""

    variant_id: HexId
    barcode: NonEmpty | None = None
    code: NonEmpty | None = None
    name: NonEmpty | None = None
    product: HexId | None = None
    colour: Text = ""
    size: Text = ""
    # The variant's place among its product's variants; None: its position in the scenario's list, from 1.
    sequence: Position | None = None
    detail: Text = ""
    vatable: bool = True
    rrp: Price = 0.0


class Stock(msgspec.Struct, forbid_unknown_fields=True, rename={"in_stock": "inStock", "last_update": "lastUpdate"}):
    warehouse: HexId
    variant: HexId
    in_stock: Quantity = 0
    demand: Quantity = 0
    supply: Quantity = 0
    last_update: LastUpdate = DEFAULT_LAST_UPDATE


class FailItem(msgspec.Struct, forbid_unknown_fields=True):
    """Items naming this variant fail with 12051 "Failed to save item" (in one warehouse, or in all)."""

    variant_id: HexId | None = None
    barcode: NonEmpty | None = None
    code: NonEmpty | None = None
    warehouse: HexId | None = None


class Generate(msgspec.Struct, forbid_unknown_fields=True):
    """Synthetic variants for load tests; ``{n}`` in a pattern is the variant's ordinal (see ``codes``)."""

    count: Count
    seed: Seed = 0
    barcode: NonEmpty | None = "29{n:011d}"
    code: NonEmpty | None = "GEN-{n:07d}"


class Tenant(msgspec.Struct, forbid_unknown_fields=True):
    name: Slug
    username: Secret
    api_key: Secret
    warehouses: list[Warehouse] = []
    variants: list[Variant] = []
    generate: Generate | None = None
    stock: list[Stock] = []
    fail_items: list[FailItem] = []
    identifier_precedence: Precedence = "first"
    products: list[Product] = []
    # The company the warehouses belong to (warehouse_company); None: an id derived from the tenant's name.
    company: HexId | None = None
    # POST /api/stock, the single-item update the batch page mentions but does not document (inferred).
    single_item_update: bool = True
    # The HTTP status of errors 12001-12005 (undocumented; 400 is inferred).
    batch_error_status: ErrorStatus = 400
    # How items are read: "strict" refuses "5", 5.0 and unknown properties (12051); "lenient" takes the numbers
    # and leaves the properties out (simulator/vendors/ilevel/lenient.py).
    input: Literal["strict", "lenient"] = "strict"
    # Lists whose entries nothing else in the scenario refers to (see salvage).
    standalone: ClassVar[tuple[str, ...]] = ("stock", "fail_items")


class Section(msgspec.Struct, forbid_unknown_fields=True):
    tenants: list[Tenant] = []


# A generated variant id is a bijection of (seed, ordinal) onto 128 bits, written as i.LEVEL writes ids: it looks
# random, yet an id maps back to its seed and ordinal, so "is this listed id also a generated one?" costs no hashing
# of a whole catalog. Each step is invertible: xor with the high half shifted down, and multiplying by an odd number.
_BITS = (1 << 128) - 1
_ODD = (0x9E3779B97F4A7C15F39CC0605CEDC835, 0xD6E8FEB86659FD93C13A5C2E4B3F8A27)
_INVERSE = tuple(pow(k, -1, 1 << 128) for k in reversed(_ODD))


def _scramble(x: int, factors: tuple[int, ...]) -> int:
    for factor in factors:
        x ^= x >> 64
        x = (x * factor) & _BITS
    return x ^ (x >> 64)


def generated_id(seed: int, n: int) -> str:
    return f"{_scramble(seed << 64 | n, _ODD):032X}"


def generated_ordinal(gen: Generate, variant_id: str) -> int | None:
    """The ordinal of the generated variant with this id, or None when the block makes no such variant."""
    try:
        x = _scramble(int(variant_id, 16), _INVERSE)
    except ValueError:
        return None
    n = x & ((1 << 64) - 1)
    return n if x >> 64 == gen.seed and 1 <= n <= gen.count else None


def _patterns(gen: Generate) -> dict[str, codes.CodePattern]:
    out = {}
    for field in ("barcode", "code"):
        pattern = getattr(gen, field)
        parsed = codes.parse(pattern) if pattern is not None else None
        if isinstance(parsed, codes.CodePattern):
            out[field] = parsed
    return out


def generated_variants(gen: Generate) -> Iterator[Variant]:
    patterns = _patterns(gen)
    barcode, code = patterns.get("barcode"), patterns.get("code")
    for n in range(1, gen.count + 1):
        yield Variant(
            variant_id=generated_id(gen.seed, n),
            barcode=barcode.code(n) if barcode else None,
            code=code.code(n) if code else None,
        )


def all_variants(tenant: Tenant) -> Iterator[Variant]:
    yield from tenant.variants
    if tenant.generate is not None:
        yield from generated_variants(tenant.generate)


class Variants:
    """A tenant's variants by each identifier: the listed ones looked up, the generated ones worked out."""

    def __init__(self, tenant: Tenant) -> None:
        self.generate = tenant.generate
        self.patterns = _patterns(tenant.generate) if tenant.generate is not None else {}
        self.listed: dict[str, dict[str, str]] = {"variant_id": {}, "barcode": {}, "code": {}}
        for v in tenant.variants:
            for field, index in self.listed.items():
                value = getattr(v, field)
                if value is not None:
                    index.setdefault(value, v.variant_id)

    def find(self, field: Identifier, value: str) -> str | None:
        """The variant_id of the variant whose ``field`` is ``value`` (listed variants first), or None."""
        found = self.listed[field].get(value)
        if found is not None or self.generate is None:
            return found
        if field == "variant_id":
            return value if generated_ordinal(self.generate, value) is not None else None
        pattern = self.patterns.get(field)
        n = pattern.ordinal(value) if pattern is not None else None
        return generated_id(self.generate.seed, n) if n is not None and n <= self.generate.count else None

    def fail_variant(self, item: FailItem) -> str | None:
        for field in ("variant_id", "barcode", "code"):
            value = getattr(item, field)
            if value is not None:
                return self.find(field, value)
        return None


def fail_variant(tenant: Tenant, item: FailItem) -> str | None:
    """The variant a scenario fail item names (checked to exist by ``check``)."""
    return Variants(tenant).fail_variant(item)


def check(section: Section, at: str) -> list[Problem]:
    """Rules that span fields, which the Structs alone cannot express; each problem names its exact path."""
    problems: list[Problem] = []
    unique_values(problems, f"{at}.tenants", "name", [t.name for t in section.tenants])
    for t, tenant in enumerate(section.tenants):
        problems.extend(_check_tenant(tenant, f"{at}.tenants[{t}]"))
    return problems


def _check_tenant(tenant: Tenant, here: str) -> list[Problem]:
    problems: list[Problem] = []
    warehouses = unique_values(problems, f"{here}.warehouses", "id", [w.id for w in tenant.warehouses])
    unique_values(problems, f"{here}.variants", "variant_id", [v.variant_id for v in tenant.variants])
    unique_values(problems, f"{here}.variants", "barcode", [v.barcode for v in tenant.variants], skip_none=True)
    unique_values(problems, f"{here}.variants", "code", [v.code for v in tenant.variants], skip_none=True)
    if tenant.generate is not None:
        problems.extend(_check_generate(tenant, here))
    products = unique_values(problems, f"{here}.products", "id", [p.id for p in tenant.products])
    for i, variant in enumerate(tenant.variants):
        if variant.product is not None and variant.product not in products:
            problems.append(Problem(f"{here}.variants[{i}].product", f"no product with id {variant.product!r}"))
    variants = Variants(tenant)
    unique_values(problems, f"{here}.stock", "(warehouse, variant)", [(s.warehouse, s.variant) for s in tenant.stock])
    for i, stock in enumerate(tenant.stock):
        if stock.warehouse not in warehouses:
            problems.append(Problem(f"{here}.stock[{i}].warehouse", f"no warehouse with id {stock.warehouse!r}"))
        if variants.find("variant_id", stock.variant) is None:
            problems.append(Problem(f"{here}.stock[{i}].variant", f"no variant with variant_id {stock.variant!r}"))
    for i, item in enumerate(tenant.fail_items):
        problems.extend(_check_fail_item(variants, item, f"{here}.fail_items[{i}]", warehouses))
    return problems


def _check_fail_item(variants: Variants, item: FailItem, at: str, warehouses: dict[str, int]) -> list[Problem]:
    given = [name for name in ("variant_id", "barcode", "code") if getattr(item, name) is not None]
    if len(given) != 1:
        return [Problem(at, "expected exactly one of variant_id, barcode or code")]
    if item.warehouse is not None and item.warehouse not in warehouses:
        return [Problem(f"{at}.warehouse", f"no warehouse with id {item.warehouse!r}")]
    if variants.fail_variant(item) is None:
        return [Problem(f"{at}.{given[0]}", f"no variant with {given[0]} {getattr(item, given[0])!r}")]
    return []


def _check_generate(tenant: Tenant, here: str) -> list[Problem]:
    """The block's patterns, and its variants against the listed ones: no identifier may name two variants."""
    gen = tenant.generate
    assert gen is not None
    at = f"{here}.generate"
    problems: list[Problem] = []
    for i, variant in enumerate(tenant.variants):
        n = generated_ordinal(gen, variant.variant_id)
        if n is not None:
            problems.append(
                Problem(
                    f"{here}.variants[{i}].variant_id",
                    f"variant_id {variant.variant_id!r} is also the id of generated variant {n} ({at}.seed {gen.seed})",
                )
            )
    for field in ("barcode", "code"):
        listed = [getattr(variant, field) for variant in tenant.variants]
        problems += codes.collisions(getattr(gen, field), gen.count, field, listed, at, f"{here}.variants", "variant")
    return problems


PART = ScenarioPart(
    vendor="ilevel",
    key="ilevel",
    type=Section,
    check=check,
    accounts=lambda section: {tenant.name for tenant in section.tenants},
    generated=lambda section, at: [
        (f"{at}.tenants[{i}].generate.count", t.generate) for i, t in enumerate(section.tenants)
    ],
)


def section(scenario: LoadedScenario) -> Section:
    return PART.of(scenario.spec)


def tenants(scenario: LoadedScenario) -> dict[str, Tenant]:
    """The tenants by the name in their URL."""
    return scenario.index("ilevel.tenants", lambda spec: {t.name: t for t in PART.of(spec).tenants})
