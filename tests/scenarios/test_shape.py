"""The shape walk: every problem of a document against the scenario types, agreeing with msgspec on what passes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import msgspec
import pytest

from simulator.scenarios import examples, shape
from simulator.scenarios.document import read
from simulator.scenarios.limits import Limits
from simulator.scenarios.loader import registered
from simulator.scenarios.model import scenario_type

# Extra entries so every kind of type in the scenario tree (tagged unions, tuples, literals, unions with
# lists) is met at least once by the mutations below.
EXTRA: dict[str, Any] = {
    "faults": [
        {
            "id": "f",
            "match": {"method": ["GET", "POST"], "path": "/x"},
            "when": {"window": {"start": 1, "end": 2}},
            "action": {"kind": "latency", "uniform": [0.1, 0.2]},
        },
        {"timeline": [{"calls": 2, "action": {"kind": "status", "status": 503, "retry_after": 1}}, {"calls": 1}]},
        {"match": {"method": "GET"}, "action": {"kind": "truncate", "fraction": 0.5}, "phase": "after"},
    ],
    "centra": {
        "plugins": [
            {
                "name": "c",
                "api_token": "t",
                "items": [
                    {
                        "stockItemId": 1,
                        "productId": 1,
                        "variantId": 1,
                        "sku": "A",
                        "costPrice": "1.50",
                        "weight": 2,
                        "weightUnit": "kg",
                        "created": "2024-01-01 00:00:00",
                        "active": True,
                    },
                ],
            }
        ]
    },
}
ODD_VALUES: list[Any] = [None, True, 0, -1, 1.5, 10**12, "", "x", "on", "GET", "latency", [], [1], {}, {"x": 1}]
MSGSPEC_WORDS = ("Expected `", "Object missing", "Object contains", "Invalid enum value", "got `")

Scenario = scenario_type(registered())  # the document type of the registered vendors


def documents() -> Iterator[tuple[str, Any]]:
    for name, path in sorted(examples.shipped().items()):
        yield name, read(path.read_text(), name, Limits()).data
    yield "extra", EXTRA


def places(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every position in a document (as a key path), containers included; of a list, the first two items (the
    rest are of the same types)."""
    yield at
    if isinstance(value, dict):
        for key, item in value.items():
            yield from places(item, (*at, key))
    elif isinstance(value, list):
        for i, item in enumerate(value[:2]):
            yield from places(item, (*at, i))


@contextmanager
def replaced(data: Any, at: tuple[Any, ...], new: Any) -> Iterator[Any]:
    """``data`` with the value at ``at`` replaced (or added) for the duration; cheaper than copying."""
    parent = at_path(data, at[:-1])
    key = at[-1]
    had = key in parent if isinstance(parent, dict) else True
    old = parent[key] if had else None
    parent[key] = new
    try:
        yield data
    finally:
        if had:
            parent[key] = old
        else:
            del parent[key]


def at_path(data: Any, at: tuple[Any, ...]) -> Any:
    for step in at:
        data = data[step]
    return data


def convert_fails(data: Any) -> bool:
    try:
        msgspec.convert(data, Scenario)
    except msgspec.ValidationError:
        return True
    return False


def mutations() -> Iterator[tuple[str, Any]]:
    for name, data in documents():
        for at in list(places(data)):
            if at:
                for value in ODD_VALUES:
                    with replaced(data, at, value) as mutated:
                        yield f"{name}:{at}={value!r}", mutated
            if isinstance(at_path(data, at), dict):
                with replaced(data, (*at, "colour"), "red") as mutated:
                    yield f"{name}:{at}+colour", mutated


@pytest.mark.parametrize("name", [name for name, _ in documents()])
def test_shipped_documents_have_no_problems(name: str) -> None:
    data = dict(documents())[name]
    assert shape.problems(data, Scenario) == []


def test_the_walk_fails_exactly_what_msgspec_fails_and_words_it_itself() -> None:
    checked = failing = 0
    for label, data in mutations():
        found = shape.problems(data, Scenario)
        assert bool(found) == convert_fails(data), (label, found)
        for problem in found:
            assert not any(words in problem.message for words in MSGSPEC_WORDS), (label, problem)
        checked += 1
        failing += bool(found)
    # The mutations reach far: thousands of documents, most of them broken somewhere.
    assert checked > 2000 and failing > checked // 2, (checked, failing)


def test_every_bad_value_gets_its_own_problem() -> None:
    data = {
        "name": 5,
        "merchantpro": {
            "shops": [
                {
                    "name": "s",
                    "api_key": "k",
                    "api_secret": "p",
                    "tax_rate": "high",
                    "colour": 1,
                    "products": [
                        {"id": 0, "sku": "A", "price_net": 1},
                        {"id": 2, "sku": "", "price_net": -2, "inventory_enabled": "maybe"},
                    ],
                },
                {"name": "bad name!"},
            ]
        },
        "faults": [{"action": {"kind": "explode"}}, {"action": {"fixed": 1}}],
    }
    assert [(p.path, p.message) for p in shape.problems(data, Scenario)] == [
        (
            "$.name",
            "expected a string, found the number 5"
            ' (quote the value in YAML, e.g. "0123", so leading zeros and digits survive)',
        ),
        ("$.merchantpro.shops[0].tax_rate", "expected a number from 0 to 100, found the string 'high'"),
        (
            "$.merchantpro.shops[0].colour",
            "unknown field `colour`; expected one of: name, api_key, api_secret, "
            "multi_warehouse, tax_rate, warehouses, products, generate, auth_failures_before_forbidden, "
            "auth_lockout_seconds, input",
        ),
        ("$.merchantpro.shops[0].products[0].id", "expected a whole number >= 1, found 0"),
        ("$.merchantpro.shops[0].products[1].sku", "expected a non-empty string, found ''"),
        ("$.merchantpro.shops[0].products[1].price_net", "expected a number >= 0, found -2"),
        (
            "$.merchantpro.shops[0].products[1].inventory_enabled",
            "expected one of true, false, 'off', 'on' or null, found 'maybe'",
        ),
        (
            "$.merchantpro.shops[1].name",
            "expected a string matching ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$, found 'bad name!'",
        ),
        ("$.merchantpro.shops[1]", "missing required field `api_key`"),
        ("$.merchantpro.shops[1]", "missing required field `api_secret`"),
        (
            "$.faults[0].action.kind",
            "expected one of 'latency', 'status', 'rate_limit', 'drop', 'reset', 'empty', "
            "'truncate', 'malformed', 'hang', 'fail_items', found 'explode'",
        ),
        (
            "$.faults[1].action",
            "missing required field `kind` (one of 'latency', 'status', 'rate_limit', 'drop', "
            "'reset', 'empty', 'truncate', 'malformed', 'hang', 'fail_items')",
        ),
    ]


def test_rules_inside_a_struct_report_their_own_words() -> None:
    data = {"faults": [{"action": {"kind": "drop"}, "timeline": [{"calls": 1}]}]}
    assert [(p.path, p.message) for p in shape.problems(data, Scenario)] == [
        ("$.faults[0]", "expected exactly one of `action` and `timeline`")
    ]


def test_the_walk_stops_at_its_limit() -> None:
    data = {
        "merchantpro": {
            "shops": [{"name": "s", "api_key": "k", "api_secret": "p", "products": [{"id": "x", "sku": "A"}] * 50}]
        }
    }
    assert len(shape.problems(data, Scenario)) == 50
    assert len(shape.problems(data, Scenario, limit=10)) == 10
