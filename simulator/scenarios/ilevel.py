"""The ``ilevel:`` section of a scenario: i.LEVEL Connect tenants, their warehouses, variants and stock."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Annotated, Literal

import msgspec

from simulator.scenarios.problems import Problem, unique_values
from simulator.scenarios.types import NonEmpty, Quantity, Secret, Slug

# i.LEVEL ids are 32 upper-case hex characters (every id in the doc). Lookups are case-sensitive, so the
# scenario holds them in the one spelling clients must send.
HexId = Annotated[str, msgspec.Meta(pattern=r"^[0-9A-F]{32}$")]
Count = Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]

# Which identifier wins when an item names its variant more than once: "first" follows the doc's order
# (variant_id, then barcode, then code) and ignores the rest; "agree" wants every given one to name the same
# variant and reports "Variant not found" otherwise.
Precedence = Literal["first", "agree"]


class Warehouse(msgspec.Struct, forbid_unknown_fields=True):
    id: HexId
    name: NonEmpty


class Variant(msgspec.Struct, forbid_unknown_fields=True):
    variant_id: HexId
    barcode: NonEmpty | None = None
    code: NonEmpty | None = None
    name: NonEmpty | None = None


class Stock(msgspec.Struct, forbid_unknown_fields=True, rename={"in_stock": "inStock"}):
    warehouse: HexId
    variant: HexId
    in_stock: Quantity = 0
    demand: Quantity = 0
    supply: Quantity = 0


class FailItem(msgspec.Struct, forbid_unknown_fields=True):
    """Items naming this variant fail with 12051 "Failed to save item" (in one warehouse, or in all)."""

    variant_id: HexId | None = None
    barcode: NonEmpty | None = None
    code: NonEmpty | None = None
    warehouse: HexId | None = None


class Generate(msgspec.Struct, forbid_unknown_fields=True):
    """Synthetic variants for load tests; ``{n}`` in a pattern is the variant's ordinal."""

    count: Count
    seed: int = 0
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


class Section(msgspec.Struct, forbid_unknown_fields=True):
    tenants: list[Tenant] = []


def generated_variants(gen: Generate) -> Iterator[Variant]:
    for n in range(1, gen.count + 1):
        digest = hashlib.md5(f"{gen.seed}:{n}".encode(), usedforsecurity=False).hexdigest().upper()
        yield Variant(
            variant_id=digest,
            barcode=gen.barcode.format(n=n) if gen.barcode else None,
            code=gen.code.format(n=n) if gen.code else None,
        )


def all_variants(tenant: Tenant) -> Iterator[Variant]:
    yield from tenant.variants
    if tenant.generate is not None:
        yield from generated_variants(tenant.generate)


def fail_variant(tenant: Tenant, item: FailItem) -> str | None:
    """The variant a scenario fail item names (checked to exist by ``check``)."""
    for v in all_variants(tenant):
        if v.variant_id == item.variant_id or (item.barcode and v.barcode == item.barcode):
            return v.variant_id
        if item.code and v.code == item.code:
            return v.variant_id
    return None


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
    variants = unique_values(problems, f"{here}.variants", "variant_id", [v.variant_id for v in tenant.variants])
    barcodes = unique_values(
        problems, f"{here}.variants", "barcode", [v.barcode for v in tenant.variants], skip_none=True
    )
    codes = unique_values(problems, f"{here}.variants", "code", [v.code for v in tenant.variants], skip_none=True)
    if tenant.generate is not None:
        problems.extend(_check_generate(tenant.generate, f"{here}.generate", variants, barcodes, codes))
    known = {v.variant_id for v in all_variants(tenant)}
    unique_values(problems, f"{here}.stock", "(warehouse, variant)", [(s.warehouse, s.variant) for s in tenant.stock])
    for i, stock in enumerate(tenant.stock):
        if stock.warehouse not in warehouses:
            problems.append(Problem(f"{here}.stock[{i}].warehouse", f"no warehouse with id {stock.warehouse!r}"))
        if stock.variant not in known:
            problems.append(Problem(f"{here}.stock[{i}].variant", f"no variant with variant_id {stock.variant!r}"))
    for i, item in enumerate(tenant.fail_items):
        problems.extend(_check_fail_item(tenant, item, f"{here}.fail_items[{i}]", warehouses))
    return problems


def _check_fail_item(tenant: Tenant, item: FailItem, at: str, warehouses: dict[str, int]) -> list[Problem]:
    given = [name for name in ("variant_id", "barcode", "code") if getattr(item, name) is not None]
    if len(given) != 1:
        return [Problem(at, "expected exactly one of variant_id, barcode or code")]
    if item.warehouse is not None and item.warehouse not in warehouses:
        return [Problem(f"{at}.warehouse", f"no warehouse with id {item.warehouse!r}")]
    if fail_variant(tenant, item) is None:
        return [Problem(f"{at}.{given[0]}", f"no variant with {given[0]} {getattr(item, given[0])!r}")]
    return []


def _check_generate(
    gen: Generate, at: str, ids: dict[str, int], barcodes: dict[str, int], codes: dict[str, int]
) -> list[Problem]:
    problems: list[Problem] = []
    for field in ("barcode", "code"):
        pattern = getattr(gen, field)
        if pattern is None:
            continue
        try:
            first, second = pattern.format(n=1), pattern.format(n=2)
        except (KeyError, IndexError, ValueError) as exc:
            problems.append(Problem(f"{at}.{field}", f"expected a pattern using only {{n}}, got {pattern!r} ({exc})"))
            continue
        if first == second:
            problems.append(Problem(f"{at}.{field}", f"pattern {pattern!r} must contain {{n}} to be unique"))
    if problems:
        return problems
    for v in generated_variants(gen):
        for field, taken in (("variant_id", ids), ("barcode", barcodes), ("code", codes)):
            value = getattr(v, field)
            if value is not None and value in taken:
                problems.append(Problem(f"{at}.{field}", f"generated {field} {value!r} clashes with a listed variant"))
                return problems
    return problems
