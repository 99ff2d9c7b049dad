"""The ``ilevel:`` scenario section: exact paths for every problem."""

from __future__ import annotations

import pytest

from simulator.scenarios import ilevel
from simulator.scenarios.loader import ScenarioError, load_text

GOOD_TENANT = """
    - name: t
      username: u
      api_key: k
      warehouses: [{id: 1571945CAB99744086F9FDFC9D9332D5, name: Main}]
      variants:
        - {variant_id: 0A5EEDAF16F8D54486AB2AD7474B3994, barcode: "1", code: A}
"""


def problems(text: str) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as info:
        load_text(text, "s.yaml")
    return [(p.path, p.message) for p in info.value.problems]


def test_the_good_tenant_loads() -> None:
    loaded = load_text("ilevel:\n  tenants:" + GOOD_TENANT, "s.yaml")
    assert list(ilevel.tenants(loaded)) == ["t"]


@pytest.mark.parametrize(
    ("extra", "path", "message"),
    [
        (
            "      stock: [{warehouse: 1571945CAB99744086F9FDFC9D9332D5, variant: FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF}]",
            "$.ilevel.tenants[0].stock[0].variant",
            "no variant with variant_id 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF'",
        ),
        (
            "      stock: [{warehouse: FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF, variant: 0A5EEDAF16F8D54486AB2AD7474B3994}]",
            "$.ilevel.tenants[0].stock[0].warehouse",
            "no warehouse with id 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF'",
        ),
        (
            "      fail_items: [{barcode: nope}]",
            "$.ilevel.tenants[0].fail_items[0].barcode",
            "no variant with barcode 'nope'",
        ),
        (
            "      fail_items: [{barcode: '1', code: A}]",
            "$.ilevel.tenants[0].fail_items[0]",
            "expected exactly one of variant_id, barcode or code",
        ),
        (
            "      fail_items: [{code: A, warehouse: FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF}]",
            "$.ilevel.tenants[0].fail_items[0].warehouse",
            "no warehouse with id 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF'",
        ),
        (
            "      generate: {count: 3, code: 'X'}",
            "$.ilevel.tenants[0].generate.code",
            "pattern 'X' must contain {n} to be unique",
        ),
        (
            "      generate: {count: 3, barcode: '{n}'}",
            "$.ilevel.tenants[0].variants[0].barcode",
            "barcode '1' is also the barcode of generated variant 1 ($.ilevel.tenants[0].generate.barcode '{n}')",
        ),
    ],
)
def test_cross_field_problems(extra: str, path: str, message: str) -> None:
    assert problems("ilevel:\n  tenants:" + GOOD_TENANT + extra + "\n") == [(path, message)]


def test_duplicates_and_formats() -> None:
    text = """
ilevel:
  tenants:
    - name: t
      username: u
      api_key: k
      warehouses: [{id: 1571945CAB99744086F9FDFC9D9332D5, name: A}, {id: 1571945CAB99744086F9FDFC9D9332D5, name: B}]
    - {name: t, username: u, api_key: k}
"""
    assert problems(text) == [
        (
            "$.ilevel.tenants[0].warehouses[1].id",
            "duplicate id '1571945CAB99744086F9FDFC9D9332D5' (first at $.ilevel.tenants[0].warehouses[0])",
        ),
        ("$.ilevel.tenants[1].name", "duplicate name 't' (first at $.ilevel.tenants[0])"),
    ]
    lower = (
        "ilevel:\n  tenants:\n    - {name: t, username: u, api_key: k,\n"
        "       warehouses: [{id: 1571945cab99744086f9fdfc9d9332d5, name: A}]}\n"
    )
    [(path, message)] = problems(lower)
    assert path == "$.ilevel.tenants[0].warehouses[0].id"
    assert "^[0-9A-F]{32}$" in message
    [(path, message)] = problems("ilevel:\n  tenants:\n    - {name: t, username: u, api_key: k, colour: red}\n")
    # A tenant has more fields than an unknown-field message lists.
    assert (path, message) == ("$.ilevel.tenants[0].colour", "unknown field `colour`")


def test_stock_resource_fields_are_checked_with_their_paths() -> None:
    text = (
        "ilevel:\n  tenants:\n    - name: t\n      username: u\n      api_key: k\n"
        "      batch_error_status: 200\n"
        "      input: loose\n"
        "      warehouses: [{id: 1571945CAB99744086F9FDFC9D9332D5, name: Main, fk_company: acme}]\n"
        "      products: [{id: 9F1E2D3C4B5A69788796A5B4C3D2E1F0, code: P, title: T},\n"
        "                 {id: 9F1E2D3C4B5A69788796A5B4C3D2E1F0, code: Q, title: U}]\n"
        "      variants:\n"
        "        - {variant_id: 0A5EEDAF16F8D54486AB2AD7474B3994, product: FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF}\n"
        "        - {variant_id: 1571945CAB99744086F9FDFC9D9332D5, sequence: -1, rrp: -2}\n"
        "      stock:\n"
        "        - {warehouse: 1571945CAB99744086F9FDFC9D9332D5, variant: 0A5EEDAF16F8D54486AB2AD7474B3994,\n"
        "           lastUpdate: '2020-08-05 12:27:08'}\n"
    )
    found = dict(problems(text))
    assert set(found) == {
        "$.ilevel.tenants[0].batch_error_status",
        "$.ilevel.tenants[0].input",
        "$.ilevel.tenants[0].warehouses[0].fk_company",
        "$.ilevel.tenants[0].variants[1].sequence",
        "$.ilevel.tenants[0].variants[1].rrp",
        "$.ilevel.tenants[0].stock[0].lastUpdate",
    }, found
    # Cross-field rules run once the shapes are right.
    text = text.replace("      batch_error_status: 200\n      input: loose\n", "").replace(", fk_company: acme", "")
    text = text.replace(", sequence: -1, rrp: -2", "").replace("'2020-08-05 12:27:08'", "'2020-08-05T12:27:08'")
    assert problems(text) == [
        (
            "$.ilevel.tenants[0].products[1].id",
            "duplicate id '9F1E2D3C4B5A69788796A5B4C3D2E1F0' (first at $.ilevel.tenants[0].products[0])",
        ),
        ("$.ilevel.tenants[0].variants[0].product", "no product with id 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF'"),
    ]
