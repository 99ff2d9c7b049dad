"""The ka_ching: scenario section: every problem reported with its exact path."""

from __future__ import annotations

import pytest

from simulator.scenarios import kaching
from simulator.scenarios.loader import ScenarioError, load_text

GOOD = """
ka_ching:
  accounts:
    - id: a1
      import_queues: [{id: q1, apikey: k1}]
      stock_locations: [{id: loc1}]
      products: [{id: p1, variants: [v1]}]
      stock: [{location: loc1, product: p1, variant: v1, count: 4}]
"""


def problems(text: str) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "test")
    return [(p.path, p.message) for p in caught.value.problems]


def test_a_good_section_loads() -> None:
    loaded = load_text(GOOD, "test")
    assert list(kaching.accounts(loaded)) == ["a1"]
    assert kaching.accounts(loaded)["a1"].processing_delay == 0
    assert kaching.accounts(loaded)["a1"].adjust_unstocked == "fail"


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        (
            GOOD.replace("count: 4", "count: 4, colour: red"),
            [
                (
                    "$.ka_ching.accounts[0].stock[0].colour",
                    "unknown field `colour`; expected one of: location, product, count, variant",
                )
            ],
        ),
        (
            GOOD.replace("{id: loc1}", "{id: loc.1}"),
            [
                (
                    "$.ka_ching.accounts[0].stock_locations[0].id",
                    "'loc.1' contains '.'; ids cannot contain . / # $ * [ ]",
                ),
                ("$.ka_ching.accounts[0].stock[0].location", "no stock location 'loc1' in the account"),
            ],
        ),
        (
            GOOD.replace("variant: v1, ", ""),
            [("$.ka_ching.accounts[0].stock[0].variant", "product 'p1' has variants: name one")],
        ),
        (
            GOOD.replace("variant: v1", "variant: v9"),
            [("$.ka_ching.accounts[0].stock[0].variant", "product 'p1' has no variant 'v9' in the catalog")],
        ),
        (
            GOOD.replace("[{id: q1, apikey: k1}]", "[{id: q1, apikey: k1}, {id: q1, apikey: k2}]"),
            [
                (
                    "$.ka_ching.accounts[0].import_queues[1].id",
                    "duplicate id 'q1' (first at $.ka_ching.accounts[0].import_queues[0])",
                )
            ],
        ),
        (
            GOOD.replace("variants: [v1]", "variants: [v1, v1]"),
            [
                (
                    "$.ka_ching.accounts[0].products[0].variants[1]",
                    "duplicate variant 'v1' (first at $.ka_ching.accounts[0].products[0].variants[0])",
                )
            ],
        ),
        (
            GOOD + "      processing_delay: -1\n",
            [("$.ka_ching.accounts[0].processing_delay", "expected a number >= 0, found -1")],
        ),
        (
            GOOD + "      export_queues: [{id: e1, webhook_url: 'ftp://x'}]\n",
            [
                (
                    "$.ka_ching.accounts[0].export_queues[0].webhook_url",
                    "expected a string matching ^https?://[^\\s/]+(/\\S*)?$, found 'ftp://x'",
                )
            ],
        ),
        (
            GOOD.replace(
                "stock: [{location: loc1, product: p1, variant: v1, count: 4}]",
                "stock: [{location: loc1, product: x, count: 1}, {location: loc1, product: x, variant: y, count: 1}]",
            ),
            [("$.ka_ching.accounts[0].stock[1].variant", "product 'x' is stocked both with and without variants")],
        ),
    ],
)
def test_problems_name_their_path(yaml_text: str, expected: list[tuple[str, str]]) -> None:
    assert problems(yaml_text) == expected
