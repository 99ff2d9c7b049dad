"""When a rule fires: nth, every, first, after, a time window on the virtual clock, a seeded probability, a timeline."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.toolkit.conftest import Box

FAIL = {"kind": "status", "status": 503}
PATCH = {"vendor": "merchantpro", "method": "PATCH"}


def statuses(box: Box, n: int) -> list[int]:
    return [box.patch().status_code for _ in range(n)]


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ({}, [503] * 5),
        ({"nth": 3}, [200, 200, 503, 200, 200]),
        ({"every": 2}, [200, 503, 200, 503, 200]),
        ({"first": 2}, [503, 503, 200, 200, 200]),
        ({"after": 3}, [200, 200, 200, 503, 503]),
        ({"every": 2, "after": 2}, [200, 200, 200, 503, 200]),
    ],
)
def test_call_count_triggers(box: Box, when: dict[str, Any], expected: list[int]) -> None:
    box.add({"match": PATCH, "when": when, "action": FAIL})
    assert statuses(box, 5) == expected
    assert box.stock() == 10 + expected.count(200)


def test_only_matching_calls_are_counted(box: Box) -> None:
    box.add({"match": {**PATCH, "item": "WMY71443LB2"}, "when": {"nth": 2}, "action": FAIL})
    with httpx.Client() as c:
        other = f"{box.root}/merchantpro/demo/api/v2/inventory/id/10002"
        for _ in range(3):
            assert c.patch(other, json={"stock": 1}, auth=("demo-api-key", "demo-api-secret")).status_code == 200
    assert statuses(box, 3) == [200, 503, 200]


def test_time_window_on_the_sandbox_clock(box: Box) -> None:
    assert box.sim("POST", "/_sim/clock", json={"freeze": True}).status_code == 200
    box.add({"match": PATCH, "when": {"window": {"start": 10, "end": 20}}, "action": FAIL})
    assert statuses(box, 1) == [200]
    box.sim("POST", "/_sim/clock", json={"advance": 10})
    assert statuses(box, 2) == [503, 503]
    box.sim("POST", "/_sim/clock", json={"advance": 10})
    assert statuses(box, 1) == [200]


def pattern(box: Box, seed: int) -> list[int]:
    box.add({"match": PATCH, "when": {"probability": 0.5, "seed": seed}, "action": FAIL})
    return statuses(box, 16)


def test_probability_is_reproducible_under_a_seed(server: str) -> None:
    results = []
    for name, seed in (("p1", 42), ("p2", 42), ("p3", 43)):
        httpx.post(f"{server}/_sim/sandboxes", json={"name": name})
        box = Box(server, name)
        results.append(pattern(box, seed))
        box.control.close()
    assert results[0] == results[1]
    assert results[0] != results[2]
    assert 2 <= results[0].count(503) <= 14


def test_a_timeline_third_patch_503_then_429_then_normal(box: Box) -> None:
    box.add(
        {
            "id": "story",
            "match": {**PATCH, "item": "WMY71443LB2"},
            "timeline": [
                {"calls": 2},
                {"action": FAIL},
                {"action": {"kind": "rate_limit", "retry_after": 2}},
            ],
        }
    )
    results = []
    for _ in range(5):
        r = box.patch()
        results.append((r.status_code, r.headers.get("retry-after")))
    assert results == [(200, None), (200, None), (503, None), (429, "2"), (200, None)]
    faults = box.sim("GET", "/_sim/faults").json()["faults"]
    assert (faults[0]["id"], faults[0]["calls"], faults[0]["fired"]) == ("story", 5, 2)


def test_rules_from_the_scenario_survive_a_reset_runtime_ones_do_not(server: str) -> None:
    scenario = {
        "merchantpro": {
            "shops": [
                {"name": "s", "api_key": "k", "api_secret": "p", "products": [{"id": 1, "sku": "A", "price_net": 1}]}
            ]
        },
        "faults": [
            {"id": "always-slow", "match": {"vendor": "merchantpro"}, "action": {"kind": "latency", "fixed": 0}}
        ],
    }
    assert httpx.post(f"{server}/_sim/sandboxes", json={"name": "scn", "scenario": scenario}).status_code == 201
    box = Box(server, "scn")
    box.add({"id": "mine", "match": {"vendor": "merchantpro"}, "action": FAIL})
    assert [f["id"] for f in box.sim("GET", "/_sim/faults").json()["faults"]] == ["always-slow", "mine"]
    box.sim("POST", "/_sim/reset")
    faults = box.sim("GET", "/_sim/faults").json()["faults"]
    assert [(f["id"], f["source"]) for f in faults] == [("always-slow", "scenario")]
    box.control.close()


def test_every_matching_rule_counts_the_call_even_when_an_earlier_one_decides(box: Box) -> None:
    box.add(
        {"id": "first", "match": PATCH, "when": {"first": 2}, "action": FAIL},
        {"id": "third", "match": PATCH, "when": {"nth": 3}, "action": {"kind": "rate_limit", "retry_after": 1}},
    )
    assert statuses(box, 4) == [503, 503, 429, 200]
    rules = {f["id"]: (f["calls"], f["fired"]) for f in box.sim("GET", "/_sim/faults").json()["faults"]}
    assert rules == {"first": (4, 2), "third": (4, 1)}
