"""`generate:` blocks: no generated identifier may equal a listed one, and a block's size and codes are bounded."""

from __future__ import annotations

import time

import pytest

from simulator.scenarios import ilevel, merchantpro
from simulator.scenarios.ilevel import generated_id
from simulator.scenarios.loader import ScenarioError, load_text

SHOP = """merchantpro:
  shops:
    - name: s
      api_key: k
      api_secret: p
      generate: {{{generate}}}
      products:
{products}"""
TENANT = """ilevel:
  tenants:
    - name: t
      username: u
      api_key: k
      generate: {{{generate}}}
      variants:
{variants}"""


def problems(text: str) -> list[tuple[str, int | None, str]]:
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "g.yaml")
    return [(p.path, p.line, p.message) for p in caught.value.problems]


def product(i: int, sku: str, ean: str | None = None) -> str:
    return f"        - {{id: {i}, sku: '{sku}', price_net: 1{f', ean: {ean!r}' if ean else ''}}}\n"


def test_a_listed_sku_or_ean_that_is_also_generated_is_an_error() -> None:
    text = SHOP.format(
        generate="count: 100, sku: 'GEN-{n:07d}', ean: '29{n:011d}'",
        products=product(1, "GEN-0000100")
        + product(2, "GEN-0000101")
        + product(3, "OWN", "2900000000007")
        + product(4, "GEN-100"),
    )
    assert problems(text) == [
        (
            "$.merchantpro.shops[0].products[0].sku",
            8,
            "sku 'GEN-0000100' is also the sku of generated product 100 "
            "($.merchantpro.shops[0].generate.sku 'GEN-{n:07d}')",
        ),
        (
            "$.merchantpro.shops[0].products[2].ean",
            10,
            "ean '2900000000007' is also the ean of generated product 7 "
            "($.merchantpro.shops[0].generate.ean '29{n:011d}')",
        ),
    ]


def test_generated_ids_must_not_overlap_listed_ones_nor_pass_2_to_the_53() -> None:
    text = SHOP.format(generate="count: 10, first_id: 5", products=product(7, "A"))
    assert problems(text) == [
        ("$.merchantpro.shops[0].generate.first_id", 6, "generated ids 5..14 overlap product id 7"),
    ]
    text = SHOP.format(generate=f"count: 10, first_id: {2**53 - 5}", products=product(1, "A"))
    assert problems(text) == [
        (
            "$.merchantpro.shops[0].generate.first_id",
            6,
            f"generated ids {2**53 - 5}..{2**53 + 4} go past {2**53}",
        ),
    ]


def test_ilevel_listed_ids_barcodes_and_codes_that_are_also_generated_are_errors() -> None:
    variants = (
        f"        - {{variant_id: {generated_id(3, 9)}, name: copied from a generated one}}\n"
        "        - {variant_id: 0A5EEDAF16F8D54486AB2AD7474B3994, barcode: '2900000000001', code: GEN-0000050}\n"
        f"        - {{variant_id: {generated_id(4, 9)}, barcode: '2900000000051', code: GEN-0000051}}\n"
    )
    found = problems(TENANT.format(generate="count: 50, seed: 3", variants=variants))
    assert found == [
        (
            "$.ilevel.tenants[0].variants[0].variant_id",
            8,
            f"variant_id '{generated_id(3, 9)}' is also the id of generated variant 9 "
            "($.ilevel.tenants[0].generate.seed 3)",
        ),
        (
            "$.ilevel.tenants[0].variants[1].barcode",
            9,
            "barcode '2900000000001' is also the barcode of generated variant 1 "
            "($.ilevel.tenants[0].generate.barcode '29{n:011d}')",
        ),
        (
            "$.ilevel.tenants[0].variants[1].code",
            9,
            "code 'GEN-0000050' is also the code of generated variant 50 "
            "($.ilevel.tenants[0].generate.code 'GEN-{n:07d}')",
        ),
    ]


def test_ilevel_references_reach_generated_variants_without_listing_them() -> None:
    warehouse = "1571945CAB99744086F9FDFC9D9332D5"
    text = (
        TENANT.format(generate="count: 1000000, seed: 2", variants="        []\n")
        + f"      warehouses: [{{id: {warehouse}, name: Main}}]\n"
        + f"      stock: [{{warehouse: {warehouse}, variant: {generated_id(2, 999_999)}, inStock: 3}}]\n"
        + "      fail_items: [{code: GEN-0999999}, {barcode: '2901000000000'}]\n"
    )
    assert problems(text) == [
        ("$.ilevel.tenants[0].fail_items[1].barcode", 11, "no variant with barcode '2901000000000'"),
    ]
    loaded = load_text(text.replace(", {barcode: '2901000000000'}", ""), "g.yaml")
    assert ilevel.tenants(loaded)["t"].generate is not None


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        (
            SHOP.format(generate="count: 2000001", products=product(1, "A")),
            "$.merchantpro.shops[0].generate.count",
            "expected a whole number <= 2000000, found 2000001",
        ),
        (
            TENANT.format(generate="count: 1000001", variants="        []\n"),
            "$.ilevel.tenants[0].generate.count",
            "expected a whole number <= 1000000, found 1000001",
        ),
        (
            SHOP.format(generate="count: 5, sku: '{n:020000000d}'", products=product(1, "A")),
            "$.merchantpro.shops[0].generate.sku",
            "generated codes would be up to 20000000 characters long; the limit is 128",
        ),
        (
            TENANT.format(generate="count: 5, code: 'C-{n:0200d}'", variants="        []\n"),
            "$.ilevel.tenants[0].generate.code",
            "generated codes would be up to 202 characters long; the limit is 128",
        ),
        (
            SHOP.format(generate="count: 5, seed: -1", products=product(1, "A")),
            "$.merchantpro.shops[0].generate.seed",
            "expected a whole number >= 0, found -1",
        ),
    ],
)
def test_sizes_are_capped(text: str, path: str, message: str) -> None:
    assert [(p, m) for p, _, m in problems(text)] == [(path, message)]


def test_all_blocks_together_are_capped() -> None:
    text = SHOP.format(generate="count: 1500000", products=product(1, "A")) + TENANT.format(
        generate="count: 600000", variants="        []\n"
    )
    assert problems(text) == [
        (
            "$.ilevel.tenants[0].generate.count",
            14,
            "the generate blocks make 2100000 items in all; the limit is 2000000",
        )
    ]


def test_a_million_generated_products_validate_in_well_under_a_second() -> None:
    # Checks cost O(listed products), whatever the count: a listed code is read back to an ordinal.
    listed = "".join(product(i, f"OWN-{i}", f"40{i:011d}") for i in range(1, 301))
    text = SHOP.format(generate="count: 1000000, first_id: 1000000", products=listed)
    load_text(text, "g.yaml")  # warm up (type information is built once)
    started = time.perf_counter()
    loaded = load_text(text, "g.yaml")
    elapsed = time.perf_counter() - started
    generate = merchantpro.shops(loaded)["s"].generate
    assert generate is not None and generate.count == 1_000_000
    assert elapsed < 0.5, elapsed
    clash = text.replace("OWN-300", "GEN-0000300")
    started = time.perf_counter()
    assert [p for p, _, _ in problems(clash)] == ["$.merchantpro.shops[0].products[299].sku"]
    assert time.perf_counter() - started < 0.5
