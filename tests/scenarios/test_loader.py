"""Scenario validation: every problem names the file, line, column, JSON path and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.scenarios import examples, merchantpro
from simulator.scenarios.loader import ScenarioError, load_data, load_file, load_text
from tests.scenarios.test_shape import MSGSPEC_WORDS, mutations

SHOP = """merchantpro:
  shops:
    - name: s
      api_key: k
      api_secret: p
{extra}      products:
        - {{id: 1, sku: A, price_net: 10}}
{products}"""


def problems(text: str) -> list[tuple[str, int | None, str]]:
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "x.yaml")
    return [(p.path, p.line, p.message) for p in caught.value.problems]


def test_type_error_has_path_line_and_expectation() -> None:
    text = SHOP.format(extra="", products="        - {id: 2, sku: B, price_net: ten}\n")
    assert problems(text) == [
        (
            "$.merchantpro.shops[0].products[1].price_net",
            8,
            "expected a number from 0 to 1000000000 or null, found the string 'ten'",
        )
    ]


def test_rendered_error_reads_file_line_column_path() -> None:
    text = SHOP.format(extra="", products="        - {id: 2, sku: B, price_net: ten}\n")
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "x.yaml")
    assert str(caught.value) == (
        "x.yaml:8:38: $.merchantpro.shops[0].products[1].price_net: "
        "expected a number from 0 to 1000000000 or null, found the string 'ten'"
    )


@pytest.mark.parametrize(
    ("extra", "products", "path", "words"),
    [
        ("", "        - {id: 1, sku: B, price_net: 1}\n", "$.merchantpro.shops[0].products[1].id", "duplicate id"),
        ("", "        - {id: 2, sku: A, price_net: 1}\n", "$.merchantpro.shops[0].products[1].sku", "duplicate sku"),
        ("", "        - {id: 2, sku: B}\n", "$.merchantpro.shops[0].products[1]", "price_net or price_gross"),
        (
            "",
            "        - {id: 2, sku: B, price_net: 1, colour: red}\n",
            "$.merchantpro.shops[0].products[1].colour",
            "unknown field `colour`",
        ),
        (
            "",
            "        - {id: 2, sku: B, price_net: 1, stock: -1}\n",
            "$.merchantpro.shops[0].products[1].stock",
            ">= 0",
        ),
        (
            "",
            "        - {id: 2, sku: B, price_net: 1, ean: 5901234123457}\n",
            "$.merchantpro.shops[0].products[1].ean",
            "quote the value",
        ),
        (
            "",
            "        - {id: 2, sku: B, price_net: 1, warehouses: [{id: 1, stock: 1}]}\n",
            "$.merchantpro.shops[0].products[1].warehouses",
            "multi_warehouse",
        ),
        (
            "      multi_warehouse: true\n      warehouses: [{id: 1, name: W}]\n",
            "        - {id: 2, sku: B, price_net: 1, warehouses: [{id: 3, stock: 1}]}\n",
            "$.merchantpro.shops[0].products[1].warehouses[0].id",
            "no warehouse with id 3",
        ),
        ("      generate: {count: 5, first_id: 1}\n", "", "$.merchantpro.shops[0].generate.first_id", "overlap"),
        ("      generate: {count: 5, sku: FIXED}\n", "", "$.merchantpro.shops[0].generate.sku", "must contain {n}"),
        ("      generate: {count: 5, sku: '{x}'}\n", "", "$.merchantpro.shops[0].generate.sku", "{n:0Nd}"),
        ("      name: t\n", "", "$.merchantpro.shops[0].name", "duplicate key"),
    ],
)
def test_cross_field_problems(extra: str, products: str, path: str, words: str) -> None:
    found = problems(SHOP.format(extra=extra, products=products))
    assert any(p == path and words in m for p, _, m in found), found
    assert all(line is not None for _, line, _ in found)


def test_yaml_syntax_error_has_line_and_column() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_text("merchantpro:\n  shops: [\n    - a\n", "bad.yaml")
    (problem,) = caught.value.problems
    assert problem.message.startswith("YAML syntax error") and problem.line == 3


def test_unknown_top_level_section_and_wrong_shapes() -> None:
    assert problems("merchantpr: {}\n") == [
        ("$.merchantpr", 1, "unknown field `merchantpr`; did you mean `merchantpro`?")
    ]
    assert problems("- 1\n") == [("$", 1, "expected a mapping, found a list")]


def test_empty_file_is_an_empty_scenario() -> None:
    assert merchantpro.section(load_text("", "empty.yaml")).shops == []


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_file(tmp_path / "missing.yaml")
    assert "cannot read" in str(caught.value)


def test_yaml_on_off_booleans_mean_on_and_off() -> None:
    loaded = load_text(
        SHOP.format(extra="", products="        - {id: 2, sku: B, price_net: 1, inventory_enabled: off}\n"), "x.yaml"
    )
    assert merchantpro.section(loaded).shops[0].products[1].inventory_enabled is False


def test_the_id_changes_with_content_only() -> None:
    text = SHOP.format(extra="", products="")
    assert load_text(text, "a.yaml").id == load_text(text, "b.yaml").id
    assert load_text(text, "a.yaml").id != load_text(text.replace("price_net: 10", "price_net: 11"), "a.yaml").id


def test_shipped_scenarios_validate() -> None:
    root = Path(__file__).resolve().parents[2]
    shipped = examples.shipped()
    assert {"default", "rate-limited-shop", "flaky-network", "partial-batch-failures", "slow-async-imports"} <= set(
        shipped
    )
    for path in shipped.values():
        load_file(path)
    # The repository's scenarios/ folder shows the same files.
    assert {p.name: p.read_bytes() for p in (root / "scenarios").glob("*.yaml")} == {
        p.name: p.read_bytes() for p in shipped.values()
    }


def test_a_shipped_scenario_loads_by_name_and_a_path_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert examples.resolve("rate-limited-shop") == examples.FILES / "rate-limited-shop.yaml"
    assert examples.resolve(None) == examples.FILES / "default.yaml"
    assert examples.resolve("no-such-scenario") == Path("no-such-scenario")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "default").write_text("name: mine\n")
    assert examples.resolve("default") == Path("default")


FIVE_PROBLEMS = """\
merchantpro:
  shops:
    - name: first
      api_key: k
      api_secret: p
      colour: red
      products:
        - {id: 1, sku: A, price_net: ten}
    - name: second
      api_key: k
      api_secret: p
      generate: {count: 100}
      products:
        - {id: 1, sku: GEN-0000042, price_net: 1}
    - name: third
      api_key: k
      api_secret: p
      generate: {count: 3000000}
ilevel:
  tenants:
    - name: t
      username: u
"""


def test_five_different_problems_in_one_run() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_text(FIVE_PROBLEMS, "five.yaml")
    assert str(caught.value).splitlines() == [
        "five.yaml:6:7: $.merchantpro.shops[0].colour: unknown field `colour`; expected one of: name, api_key, "
        "api_secret, multi_warehouse, tax_rate, warehouses, products, generate, auth_failures_before_forbidden, "
        "auth_lockout_seconds, input",
        "five.yaml:8:38: $.merchantpro.shops[0].products[0].price_net: expected a number from 0 to 1000000000 or null,"
        " found the string 'ten'",
        "five.yaml:14:24: $.merchantpro.shops[1].products[0].sku: sku 'GEN-0000042' is also the sku of generated"
        " product 42 ($.merchantpro.shops[1].generate.sku 'GEN-{n:07d}')",
        "five.yaml:18:25: $.merchantpro.shops[2].generate.count: expected a whole number <= 2000000, found 3000000",
        "five.yaml:21:7: $.ilevel.tenants[0]: missing required field `api_key`",
    ]


def test_rules_across_fields_run_on_every_account_without_problems_of_its_own() -> None:
    text = """\
centra:
  plugins:
    - {name: broken, api_token: t, items: [{stockItemId: x}]}
    - name: fine
      api_token: t
      items:
        - {stockItemId: 1, productId: 1, variantId: 1, sku: A, ean: "1"}
        - {stockItemId: 2, productId: 1, variantId: 1, sku: B, ean: "1"}
faults:
  - {match: {vendor: centra, account: broken}, action: {kind: drop}}
"""
    assert problems(text) == [
        ("$.centra.plugins[0].items[0]", 3, "missing required field `productId`"),
        ("$.centra.plugins[0].items[0]", 3, "missing required field `variantId`"),
        ("$.centra.plugins[0].items[0]", 3, "missing required field `sku`"),
        (
            "$.centra.plugins[0].items[0].stockItemId",
            3,
            "expected a whole number from 1 to 9007199254740992, found the string 'x'",
        ),
        # The second plugin's own rules ran, and its paths (in the message too) are the document's.
        ("$.centra.plugins[1].items[1].ean", 8, "duplicate ean '1' (first at $.centra.plugins[1].items[0])"),
        # No "no account 'broken'" for the fault rule: that plugin was left out, not missing.
    ]


def test_a_json_scenario_reports_every_problem_too() -> None:
    data = {"name": 1, "merchantpro": {"shops": [{"name": "s", "api_key": "k"}]}, "centra": []}
    with pytest.raises(ScenarioError) as caught:
        load_data(data, "request body: scenario")
    assert [(p.path, p.line, p.message) for p in caught.value.problems] == [
        (
            "$.name",
            None,
            'expected a string, found the number 1 (quote the value in YAML, e.g. "0123", so leading '
            "zeros and digits survive)",
        ),
        ("$.merchantpro.shops[0]", None, "missing required field `api_secret`"),
        ("$.centra", None, "expected a mapping, found a list"),
    ]


def test_at_most_a_thousand_problems_are_listed() -> None:
    products = "".join(f"        - {{id: {i}, sku: S{i}, price_net: x}}\n" for i in range(1, 1500))
    found = problems(SHOP.format(extra="", products=products))
    assert len(found) == 1001
    assert found[-1] == ("$", None, "only the first 1000 problems are listed")


def test_a_bad_product_leaves_the_rest_of_its_shop_checked() -> None:
    text = """\
merchantpro:
  shops:
    - name: s
      api_key: k
      api_secret: p
      generate: {count: 10}
      products:
        - {id: 1, sku: A, price_net: ten}
        - {id: 2, sku: B, stock: -1, price_net: 1}
        - {id: 3, sku: GEN-0000003, price_net: 1}
        - {id: 4, sku: GEN-0000003, price_net: 1}
faults:
  - {match: {vendor: merchantpro, account: s}, action: {kind: drop}}
  - {match: {vendor: merchantpro, account: t}, action: {kind: drop}}
"""
    assert problems(text) == [
        (
            "$.merchantpro.shops[0].products[0].price_net",
            8,
            "expected a number from 0 to 1000000000 or null, found the string 'ten'",
        ),
        ("$.merchantpro.shops[0].products[1].stock", 9, "expected a whole number >= 0, found -1"),
        (
            "$.merchantpro.shops[0].products[2].sku",
            10,
            "sku 'GEN-0000003' is also the sku of generated product 3 "
            "($.merchantpro.shops[0].generate.sku 'GEN-{n:07d}')",
        ),
        (
            "$.merchantpro.shops[0].products[3].sku",
            11,
            "duplicate sku 'GEN-0000003' (first at $.merchantpro.shops[0].products[2])",
        ),
        (
            "$.merchantpro.shops[0].products[3].sku",
            11,
            "sku 'GEN-0000003' is also the sku of generated product 3 "
            "($.merchantpro.shops[0].generate.sku 'GEN-{n:07d}')",
        ),
        # The shop stayed, so rules naming accounts are still checked.
        ("$.faults[1].match.account", 14, "no account 't' in this scenario's merchantpro section"),
    ]


def test_a_broken_document_always_gets_problems_never_a_crash() -> None:
    # A quarter of the shape walk's mutations (see test_shape), through the whole loader: salvage and the rules
    # across fields run on every one of them.
    for n, (label, data) in enumerate(mutations()):
        if n % 4:
            continue
        try:
            load_data(data, label)
        except ScenarioError as exc:
            assert exc.problems, label
            for problem in exc.problems:
                assert not any(words in problem.message for words in MSGSPEC_WORDS), (label, problem)
