"""Reading scenario YAML safely: aliases refused, size, node and depth limits, one document, keys as written."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from simulator.scenarios import centra, merchantpro
from simulator.scenarios.limits import Limits
from simulator.scenarios.loader import ScenarioError, load_file, load_text

SHOP = "merchantpro:\n  shops:\n    - {name: s, api_key: k, api_secret: p, products: [%s]}\n"


def billion_laughs() -> str:
    """Nine levels of ten aliases each: 10**9 strings if expanded, in about 600 bytes."""
    names = "abcdefghi"
    lines = ["a: &a [" + ", ".join(['"lol"'] * 10) + "]"]
    lines += [
        f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]" for prev, name in zip(names, names[1:], strict=False)
    ]
    return "\n".join([*lines, "description: *i", ""])


def refusal(text: str, limits: Limits | None = None) -> list[tuple[str, int | None, int | None, str]]:
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "x.yaml", limits or Limits())
    return [(p.path, p.line, p.column, p.message) for p in caught.value.problems]


def test_aliases_are_refused_each_with_its_line_and_column() -> None:
    text = "name: &n demo\ndescription: *n\nfaults: [*n, *n]\n"
    assert refusal(text) == [
        ("$.description", 2, 14, "YAML aliases (*n) are not allowed in scenarios"),
        ("$.faults[0]", 3, 10, "YAML aliases (*n) are not allowed in scenarios"),
        ("$.faults[1]", 3, 14, "YAML aliases (*n) are not allowed in scenarios"),
    ]


def test_billion_laughs_is_refused_at_once() -> None:
    text = billion_laughs()
    assert len(text.encode()) < 700
    started = time.perf_counter()
    found = refusal(text)
    assert time.perf_counter() - started < 1
    assert found[0] == ("$.b[0]", 2, 8, "YAML aliases (*a) are not allowed in scenarios")
    assert {message for *_, message in found} == {
        f"YAML aliases (*{name}) are not allowed in scenarios" for name in "abcdefghi"
    }


def test_an_anchor_without_an_alias_is_harmless() -> None:
    assert load_text("name: &n demo\n", "x.yaml").spec.name == "demo"


@pytest.mark.parametrize(
    ("text", "path", "words"),
    [
        ("merchantpro: {<<: {shops: []}}\n", "$.merchantpro", "merge keys (<<) are not allowed"),
        ("name: !!binary aGVsbG8=\n", "$.name", "YAML tag !!binary is not allowed"),
        ("name: !!python/object:os.system x\n", "$.name", "YAML tag !!python/object:os.system is not allowed"),
        ("faults: !!set {a: null}\n", "$.faults", "YAML tag !!set is not allowed"),
        ("name: !custom x\n", "$.name", "YAML tag !custom is not allowed"),
        ("name: !!int abc\n", "$.name", "'abc' is not a valid !!int"),
        ("? [a, b]\n: c\n", "$", "mapping keys must be plain text"),
        ("name: a\n---\nname: b\n", "$", "expected one YAML document"),
        ("merchantpro: [\n", "$", "YAML syntax error"),
    ],
)
def test_yaml_features_a_scenario_does_not_use_are_refused(text: str, path: str, words: str) -> None:
    [(found_path, line, _, message)] = refusal(text)
    assert (found_path, words in message, line is not None) == (path, True, True), message


def test_size_is_capped_before_parsing(tmp_path: Path) -> None:
    text = SHOP % ", ".join(f"{{id: {i}, sku: S{i}, price_net: 1}}" for i in range(1, 200))
    small = Limits(max_bytes=1000)
    [(path, line, _, message)] = refusal(text, small)
    assert (path, line) == ("$", None)
    assert message == f"the scenario is {len(text)} bytes; the limit is 1000 bytes"
    big = tmp_path / "big.yaml"
    big.write_text(text)
    with pytest.raises(ScenarioError) as caught:
        load_file(big, small)
    assert [p.message for p in caught.value.problems] == [message]
    assert len(merchantpro.section(load_file(big)).shops[0].products) == 199


def test_the_size_counts_utf8_bytes() -> None:
    text = "description: " + "é" * 600 + "\n"
    assert load_text(text, "x.yaml", Limits(max_bytes=1300)).spec.description == "é" * 600
    assert "1214 bytes" in refusal(text, Limits(max_bytes=1200))[0][3]


def test_node_budget_stops_reading_where_it_runs_out() -> None:
    text = SHOP % ", ".join(f"{{id: {i}, sku: S{i}, price_net: 1}}" for i in range(1, 30))
    [(path, line, column, message)] = refusal(text, Limits(max_nodes=100))
    assert (path, line, message) == ("$", 3, "the scenario has more than 100 YAML nodes")
    assert column is not None and column > 1
    assert merchantpro.section(load_text(text, "x.yaml", Limits(max_nodes=300))).shops[0].products[28].id == 29


def test_nesting_is_capped() -> None:
    [(path, line, column, message)] = refusal("description: " + "[" * 100 + "]" * 100 + "\n")
    assert (path, line, column, message) == ("$", 1, 14 + 63, "the scenario nests more than 64 levels deep")
    block = "".join("  " * i + "- \n" for i in range(100))
    [(path, line, column, message)] = refusal("faults:\n" + block)
    assert (path, line, message) == ("$", 65, "the scenario nests more than 64 levels deep")


def test_lone_surrogates_are_a_problem_not_a_crash() -> None:
    [(_, _, _, message)] = refusal("name: \ud800\n")
    assert "not valid Unicode" in message


def test_keys_are_text_and_timestamps_stay_text() -> None:
    text = (
        "centra:\n  plugins:\n    - name: c\n      api_token: t\n      items:\n"
        "        - {stockItemId: 1, productId: 1, variantId: 1, sku: A, created: 2024-01-02 03:04:05}\n"
    )
    assert centra.plugins(load_text(text, "x.yaml"))["c"].items[0].created == "2024-01-02 03:04:05"
    # `on:` is the field name "on", not the boolean YAML 1.1 makes of it as a value.
    [(path, line, column, message)] = refusal("on: 1\n")
    assert (path, line, column) == ("$.on", 1, 1)
    assert message.startswith("unknown field `on`")


def test_duplicate_keys_are_reported_with_every_other_problem() -> None:
    text = "name: a\nname: b\ndescription: 5\n"
    assert refusal(text) == [
        ("$.name", 2, 1, "duplicate key 'name'"),
        (
            "$.description",
            3,
            14,
            'expected a string, found the number 5 (quote the value in YAML, e.g. "0123", so leading zeros and digits'
            " survive)",
        ),
    ]


def test_long_keys_nested_deep_are_refused_before_they_cost_memory() -> None:
    # Each value keeps its path: 60 keys of 60 characters over 100,000 values would be 360 MB of paths.
    chain = "".join(f"{'  ' * i}{chr(97 + i % 26) * 60}:\n" for i in range(60))
    text = chain + "  " * 60 + "[" + ", ".join(["1"] * 100_000) + "]\n"
    started = time.perf_counter()
    [(path, line, column, message)] = refusal(text)
    assert time.perf_counter() - started < 1
    assert (path, line, column) == ("$", 6, 11)
    assert message == "the path to this value is longer than 256 characters (no scenario field is)"
