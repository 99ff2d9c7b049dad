"""The ``centra:`` scenario section: every problem names its exact path."""

from __future__ import annotations

import pytest

from simulator.scenarios import centra
from simulator.scenarios.loader import ScenarioError, load_text

HEAD = """
centra:
  plugins:
    - name: demo
      api_token: t
      items:
"""
A = '        - {stockItemId: 1, productId: 1, variantId: 1, sku: A, variantSku: B, sizeSku: C, ean: "111"}\n'


def problems(items: str, head: str = HEAD) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as info:
        load_text(head + items, "test.yaml")
    return [(p.path, p.message) for p in info.value.problems]


def test_a_valid_section_loads() -> None:
    loaded = load_text(HEAD + A, "test.yaml")
    assert list(centra.plugins(loaded)) == ["demo"]
    assert centra.plugins(loaded)["demo"].items[0].ean == "111"
    assert centra.plugins(loaded)["demo"].items[0].upc is None


def test_one_item_may_carry_the_same_code_as_ean_and_upc() -> None:
    loaded = load_text(HEAD + A.replace("}", ', upc: "111"}'), "test.yaml")
    assert centra.plugins(loaded)["demo"].items[0].upc == "111"


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (
            A + '        - {stockItemId: 1, productId: 1, variantId: 1, sku: X, ean: "222"}\n',
            [
                (
                    "$.centra.plugins[0].items[1].stockItemId",
                    "duplicate stockItemId 1 (first at $.centra.plugins[0].items[0])",
                )
            ],
        ),
        (
            A + '        - {stockItemId: 2, productId: 1, variantId: 1, sku: X, ean: "111"}\n',
            [("$.centra.plugins[0].items[1].ean", "duplicate ean '111' (first at $.centra.plugins[0].items[0])")],
        ),
        (
            A + "        - {stockItemId: 2, productId: 1, variantId: 1, sku: AB, sizeSku: C}\n",
            [("$.centra.plugins[0].items[1].sku", "sku+variantSku+sizeSku 'ABC' repeats $.centra.plugins[0].items[0]")],
        ),
        (
            A + "        - {stockItemId: 2, productId: 1, variantId: 1, sku: '111'}\n",
            [
                (
                    "$.centra.plugins[0].items[1].sku",
                    "sku+variantSku+sizeSku '111' equals the ean of $.centra.plugins[0].items[0]",
                )
            ],
        ),
        (
            A.replace("}", ', upc: "222"}')
            + '        - {stockItemId: 2, productId: 1, variantId: 1, sku: X, upc: "222"}\n',
            [("$.centra.plugins[0].items[1].upc", "duplicate upc '222' (first at $.centra.plugins[0].items[0])")],
        ),
        (
            A + '        - {stockItemId: 2, productId: 1, variantId: 1, sku: X, upc: "111"}\n',
            [("$.centra.plugins[0].items[1].upc", "upc '111' equals the ean of $.centra.plugins[0].items[0]")],
        ),
        (
            A + '        - {stockItemId: 2, productId: 1, variantId: 1, sku: X, upc: "ABC"}\n',
            [
                (
                    "$.centra.plugins[0].items[0].sku",
                    "sku+variantSku+sizeSku 'ABC' equals the upc of $.centra.plugins[0].items[1]",
                )
            ],
        ),
        (
            "        - {stockItemId: 1, productId: 1, variantId: 1, sku: A, upc: ''}\n",
            [("$.centra.plugins[0].items[0].upc", "expected a non-empty string, found ''")],
        ),
        (
            "        - {stockItemId: 1, productId: 1, variantId: 1, sku: A, physicalStock: 2, allocatedStock: 3}\n",
            [("$.centra.plugins[0].items[0].allocatedStock", "allocatedStock 3 exceeds physicalStock 2")],
        ),
        (
            "        - {stockItemId: 1, productId: 1, variantId: 1, sku: A, costPrice: 1, costPriceCurrency: ABC}\n",
            [("$.centra.plugins[0].items[0].costPriceCurrency", "expected an ISO 4217 code, got 'ABC'")],
        ),
        (
            "        - {stockItemId: 1, productId: 1, variantId: 1, sku: A, costPrice: '1,5'}\n",
            [("$.centra.plugins[0].items[0].costPrice", "costPrice must be a non-negative decimal number, got '1,5'")],
        ),
        (
            "        - {stockItemId: 1, productId: 1, variantId: 1, sku: A, created: '2024-01-01'}\n",
            [("$.centra.plugins[0].items[0].created", "expected 'YYYY-mm-dd HH:MM:SS', got '2024-01-01'")],
        ),
        (
            "        - {stockItemId: 1, productId: 1, variantId: 1, sku: A, stock_modified: 'soon'}\n",
            [("$.centra.plugins[0].items[0].stock_modified", "expected 'YYYY-mm-dd HH:MM:SS', got 'soon'")],
        ),
        (
            "        - {stockItemId: 1, productId: 1, variantId: 1, sku: A, physicalStock: -1}\n",
            [("$.centra.plugins[0].items[0].physicalStock", "expected a whole number >= 0, found -1")],
        ),
        (
            "        - {stockItemId: 1, productId: 1, variantId: 1, sku: A, weightUnit: g}\n",
            [("$.centra.plugins[0].items[0].weightUnit", "expected one of 'kg', 'lb', found 'g'")],
        ),
        (
            "        - {stockItemId: 1, productId: 1, variantId: 1, sku: A, stock: 3}\n",
            [("$.centra.plugins[0].items[0].stock", "unknown field `stock`")],
        ),
        (
            "        - {stockItemId: 1, productId: 1, sku: A}\n",
            [("$.centra.plugins[0].items[0]", "missing required field `variantId`")],
        ),
    ],
)
def test_problems_name_exact_paths(items: str, expected: list[tuple[str, str]]) -> None:
    assert problems(items) == expected


def test_plugin_names_are_unique() -> None:
    text = "centra:\n  plugins:\n    - {name: a, api_token: x}\n    - {name: a, api_token: y}\n"
    with pytest.raises(ScenarioError) as info:
        load_text(text, "test.yaml")
    assert [(p.path, p.message) for p in info.value.problems] == [
        ("$.centra.plugins[1].name", "duplicate name 'a' (first at $.centra.plugins[0])")
    ]


def test_every_identifier_collision_is_reported_in_one_run() -> None:
    items = (
        A
        + '        - {stockItemId: 1, productId: 1, variantId: 2, sku: X, ean: "111"}\n'
        + "        - {stockItemId: 3, productId: 1, variantId: 3, sku: A, variantSku: BC}\n"
        + "        - {stockItemId: 4, productId: 1, variantId: 4, sku: '11', sizeSku: '1'}\n"
        + "        - {stockItemId: x, productId: 1, variantId: 4, sku: Y}\n"
    )
    assert problems(items) == [
        ("$.centra.plugins[0].items[1].stockItemId", "duplicate stockItemId 1 (first at $.centra.plugins[0].items[0])"),
        ("$.centra.plugins[0].items[1].ean", "duplicate ean '111' (first at $.centra.plugins[0].items[0])"),
        ("$.centra.plugins[0].items[2].sku", "sku+variantSku+sizeSku 'ABC' repeats $.centra.plugins[0].items[0]"),
        (
            "$.centra.plugins[0].items[3].sku",
            "sku+variantSku+sizeSku '111' equals the ean of $.centra.plugins[0].items[0]",
        ),
        (
            "$.centra.plugins[0].items[4].stockItemId",
            "expected a whole number from 1 to 9007199254740992, found the string 'x'",
        ),
    ]


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (
            "timezone: Mars/Olympus",
            "expected an IANA time zone name such as 'Europe/Stockholm' or 'UTC', got 'Mars/Olympus'",
        ),
        ("timezone: utc", "expected an IANA time zone name such as 'Europe/Stockholm' or 'UTC', got 'utc'"),
        (
            "timezone: /etc/passwd",
            "expected an IANA time zone name such as 'Europe/Stockholm' or 'UTC', got '/etc/passwd'",
        ),
        ("timezone: Europe", "expected an IANA time zone name such as 'Europe/Stockholm' or 'UTC', got 'Europe'"),
        (
            "timezone: 1",
            'expected a string of at most 512 characters, found the number 1 (quote the value in YAML, e.g. "0123", '
            "so leading zeros and digits survive)",
        ),
        ("input: loose", "expected one of 'lenient', 'strict', found 'loose'"),
    ],
)
def test_plugin_settings_name_their_path(setting: str, expected: str) -> None:
    text = f"centra:\n  plugins:\n    - name: a\n      api_token: x\n      {setting}\n"
    key = setting.split(":")[0]
    with pytest.raises(ScenarioError) as info:
        load_text(text, "test.yaml")
    assert [(p.path, p.message) for p in info.value.problems] == [(f"$.centra.plugins[0].{key}", expected)]


def test_plugin_settings_default_to_utc_and_strict() -> None:
    plugin = centra.plugins(load_text("centra:\n  plugins:\n    - {name: a, api_token: x}\n", "t.yaml"))["a"]
    assert (plugin.timezone, plugin.input) == ("UTC", "strict")
    text = "centra:\n  plugins:\n    - {name: a, api_token: x, timezone: America/New_York, input: lenient}\n"
    plugin = centra.plugins(load_text(text, "t.yaml"))["a"]
    assert (plugin.timezone, plugin.input) == ("America/New_York", "lenient")
