"""Ka-ching against a reference model written from the doc and docs/fidelity.md: resets, adjustments and
removals (processing_delay 0) per location, product and variant; an unknown location refuses the whole request;
forbidden characters and impossible values go to the failure log while the rest applies; 0 is not removed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import hypothesis.strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tests.property.conftest import Sandbox

AUTH = {"account": "demo-account", "integration": "demo-queue", "apikey": "demo-apikey"}
LOCATIONS = ["stock_location_id", "warehouse"]
VARIANTS = {"product3": {"variant1", "variant2"}}  # the catalog: product1/product2 plain, product3 per variant
PLAIN = {"product1", "product2"}
FORBIDDEN = ["bad.id", "a/b", "hash#", "$dollar", "star*", "[open", "close]", ""]
LIMIT = 10**9
Key = tuple[str, str, str | None]  # location, product, variant

counts = st.one_of(st.integers(-20, 60), st.sampled_from([0, LIMIT, -LIMIT]))
values = st.tuples(
    st.sampled_from([*LOCATIONS, *LOCATIONS, "nowhere"]),
    st.sampled_from(["product1", "product2", "product3", "product9", *FORBIDDEN]),
    st.sampled_from([None, None, "variant1", "variant2"]),
    counts,
)
BAD_BODIES = [
    {"stock_location_id": {"product1": 1.5}},
    {"stock_location_id": {"product1": "3"}},
    {"stock_location_id": {"product1": True}},
    {"stock_location_id": {"product1": None}},
    {"stock_location_id": {"product1": LIMIT + 1}},
    {"stock_location_id": {"product3": {"variant1": {"deeper": 1}}}},
    {"stock_location_id": {}},
    {"stock_location_id": {"product3": {}}},
    {},
    [],
    "stock",
]


def seed() -> dict[Key, int]:
    """The default scenario's stock (simulator/scenarios/default.yaml)."""
    return {
        ("stock_location_id", "product1", None): 3,
        ("warehouse", "product1", None): 40,
        ("warehouse", "product3", "variant1"): 12,
    }


def body_of(entries: list[tuple[str, str, str | None, int]]) -> tuple[dict[str, Any], list[tuple[Key, int]]]:
    """The request body and its values in order; an entry clashing with an earlier one's shape is dropped."""
    body: dict[str, dict[str, Any]] = {}
    for loc, product, variant, count in entries:
        products = body.setdefault(loc, {})
        if variant is None:
            if product not in products:
                products[product] = count
        elif isinstance(products.setdefault(product, {}), dict):
            products[product].setdefault(variant, count)
    flat: list[tuple[Key, int]] = []
    for loc, products in body.items():
        for product, value in products.items():
            if isinstance(value, dict):
                flat.extend(((loc, product, v), c) for v, c in value.items())
            else:
                flat.append(((loc, product, None), value))
    return body, flat


class KachingModel(RuleBasedStateMachine):
    def __init__(self, box: Sandbox) -> None:
        super().__init__()
        self.box = box
        self.stock = seed()
        self.successes = 0
        self.failures = 0

    def teardown(self) -> None:
        self.box.close()

    def shape_ok(self, product: str, variant: str | None, loc: str) -> bool:
        if not product or any(c in product for c in ".#$/*[]"):
            return False
        if product in VARIANTS:
            return variant in VARIANTS[product]
        if product in PLAIN:
            return variant is None
        # Uncatalogued: the shape it is stocked with at the location, either if not stocked.
        stocked = {v for (lc, p, v) in self.stock if lc == loc and p == product}
        return not stocked or (variant is None) == (None in stocked)

    def send(self, method: str, entries: list[tuple[str, str, str | None, int]], adjustment: bool) -> None:
        body, flat = body_of(entries)
        params = {**AUTH, **({"adjustment": "true"} if adjustment else {})}
        r = self.box.request(method, "/ka-ching/imports/stock", params=params, content=json.dumps(body))
        unknown = [loc for loc in body if loc not in LOCATIONS]
        if unknown:
            assert r.status_code == 400, r.text
            assert r.json()["status"] == "ERROR" and unknown[0] in r.json().get("path", ""), r.text
            return
        assert r.status_code == 200, (body, r.text)
        assert r.json() == {"status": "OK", "message": f"Import of {len(flat)} stock value(s) initiated"}
        for key, count in flat:
            loc, product, variant = key
            stocked = key in self.stock
            if not self.shape_ok(product, variant, loc):
                ok = False
            elif method == "DELETE":
                ok = stocked  # removing what is not stocked is a failure entry
                self.stock.pop(key, None)
            elif adjustment:
                ok = stocked and abs(self.stock[key] + count) <= LIMIT
                if ok:
                    self.stock[key] += count
            else:
                ok = True
                self.stock[key] = count
            self.successes += ok
            self.failures += not ok

    @rule(entries=st.lists(values, min_size=1, max_size=5))
    def reset(self, entries: list[tuple[str, str, str | None, int]]) -> None:
        self.send("POST", entries, adjustment=False)

    @rule(entries=st.lists(values, min_size=1, max_size=5))
    def adjust(self, entries: list[tuple[str, str, str | None, int]]) -> None:
        self.send("POST", entries, adjustment=True)

    @rule(entries=st.lists(values, min_size=1, max_size=4))
    def remove(self, entries: list[tuple[str, str, str | None, int]]) -> None:
        self.send("DELETE", entries, adjustment=False)

    @rule(body=st.sampled_from(BAD_BODIES), method=st.sampled_from(["POST", "DELETE"]), adjustment=st.booleans())
    def refused(self, body: Any, method: str, adjustment: bool) -> None:
        params = {**AUTH, **({"adjustment": "true"} if adjustment else {})}
        r = self.box.request(method, "/ka-ching/imports/stock", params=params, content=json.dumps(body))
        assert r.status_code == 400 and r.json()["status"] == "ERROR", (body, r.text)

    @rule(adjustment=st.sampled_from(["1", "yes", "TRUE"]))
    def adjustment_must_be_true_or_false(self, adjustment: str) -> None:
        params = {**AUTH, "adjustment": adjustment}
        body = json.dumps({"stock_location_id": {"product1": 1}})
        r = self.box.request("POST", "/ka-ching/imports/stock", params=params, content=body)
        assert r.status_code == 400 and "adjustment" in r.text, r.text

    @invariant()
    def stock_and_logs_match_the_model(self) -> None:
        self.box.counter.checks += 1
        account = self.box.state()["ka-ching"]["accounts"]["demo-account"]
        expected: dict[str, dict[str, Any]] = {loc: {} for loc in LOCATIONS}
        for (loc, product, variant), count in self.stock.items():
            if variant is None:
                expected[loc][product] = count
            else:
                expected[loc].setdefault(product, {})[variant] = count
        assert {loc: account["locations"][loc]["stock"] for loc in LOCATIONS} == expected
        assert account["pending_imports"] == 0
        r = self.box.sim("GET", "/_sim/ka-ching/queues/demo-queue/log")
        assert r.status_code == 200, r.text
        log = r.json()
        assert (len(log["success"]), len(log["failure"])) == (self.successes, self.failures)


def test_kaching_matches_the_model(run_machine: Callable[[type[Any]], None]) -> None:
    run_machine(KachingModel)
