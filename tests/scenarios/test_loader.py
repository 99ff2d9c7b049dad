"""Scenario validation: every problem names the file, line, column, JSON path and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.scenarios import examples
from simulator.scenarios.loader import ScenarioError, load_file, load_text

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
    assert load_text("", "empty.yaml").spec.merchantpro.shops == []


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_file(tmp_path / "missing.yaml")
    assert "cannot read" in str(caught.value)


def test_yaml_on_off_booleans_mean_on_and_off() -> None:
    loaded = load_text(
        SHOP.format(extra="", products="        - {id: 2, sku: B, price_net: 1, inventory_enabled: off}\n"), "x.yaml"
    )
    assert loaded.spec.merchantpro.shops[0].products[1].inventory_enabled is False


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
