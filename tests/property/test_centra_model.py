"""Centra against a reference model written from the doc and docs/fidelity.md: quantities clamped silently to
allocatedStock, unknown products and bundles listed while the found ones apply, allocations moving the floor, bad
input changing nothing, and physicalStock = allocatedStock + availableStock throughout."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import hypothesis.strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tests.property.conftest import Sandbox

TOKEN = {"API-Authorization": "demo-centra-api-token"}
# stockItemId -> identifiers (EAN and/or sku + variantSku + sizeSku), physical, allocated, bundle: default.yaml
SEED: dict[int, tuple[list[str], int, int, bool]] = {
    1001: (["1234567890123", "BLZ-100NVYS"], 10, 2, False),
    1002: (["9876543210123", "BLZ-100NVYM"], 20, 0, False),
    1003: (["5432167890123", "BLZ-100NVYL"], 8, 3, False),
    1004: (["TEE-200WHTM", "812345678901"], 15, 1, False),
    1005: (["7350000000019", "GIFT-SET01ONE"], 4, 0, True),
    1006: (["7350000000026", "SCF-300GRYONE"], 0, 0, False),
}
BY_ID = {identifier: sid for sid, (ids, *_) in SEED.items() for identifier in ids}
UNKNOWN = ["0000000000000", "tee-200whtm", "BLZ-100", "NOPE"]
# Negative quantities too: below any allocated stock, so clamped like the others.
lines = st.tuples(st.sampled_from(sorted(BY_ID) + UNKNOWN), st.integers(-5, 60))
BAD_BODIES = [
    {"products": []},
    {"products": "1234567890123"},
    {"product": "1234567890123", "quantity": 5},
    {"products": [{"product": "1234567890123", "quantity": 5}, {"product": "9876543210123"}]},
    {"products": [{"product": "1234567890123", "quantity": 5}, {"quantity": 5}]},
    {"products": [{"product": "1234567890123", "quantity": 5}, {"product": "9876543210123", "quantity": -(10**10)}]},
    {"products": [{"product": "1234567890123", "quantity": 5}, {"product": "9876543210123", "quantity": "5"}]},
    {"products": [{"product": "1234567890123", "quantity": 5}, {"product": "9876543210123", "quantity": 2.5}]},
    {"products": [{"product": 1234567890123, "quantity": 5}]},
    {"products": [{"product": "1234567890123", "quantity": 5, "costPriceCurrency": "XXX", "costPrice": "1.00"}]},
    {"products": [{"product": "1234567890123", "quantity": 5, "colour": "red"}]},
]


class CentraModel(RuleBasedStateMachine):
    def __init__(self, box: Sandbox) -> None:
        super().__init__()
        self.box = box
        self.physical = {sid: seed[1] for sid, seed in SEED.items()}
        self.allocated = {sid: seed[2] for sid, seed in SEED.items()}

    def teardown(self) -> None:
        self.box.close()

    def update(self, body: Any, method: str) -> Any:
        r = self.box.request(method, "/centra/demo/stock", content=json.dumps(body), headers=TOKEN)
        assert r.status_code == 200, r.text
        return r.json()

    @rule(products=st.lists(lines, min_size=1, max_size=6), method=st.sampled_from(["POST", "PUT"]))
    def update_stock(self, products: list[tuple[str, int]], method: str) -> None:
        not_found: list[str] = []
        bundles: list[str] = []
        for identifier, quantity in products:
            sid = BY_ID.get(identifier)
            if sid is None:
                not_found += [identifier] if identifier not in not_found else []
            elif SEED[sid][3]:
                bundles += [identifier] if identifier not in bundles else []
            else:
                self.physical[sid] = max(quantity, self.allocated[sid])  # the doc's silent clamp
        body = self.update({"products": [{"product": p, "quantity": q} for p, q in products]}, method)
        if not not_found and not bundles:
            assert body == {"status": "ok"}, (products, body)
            return
        errors = {
            name: listed
            for name, listed in (("productsNotFound", not_found), ("productsAreBundles", bundles))
            if listed
        }
        assert body == {"status": "no", "msg": "Some of the products were not updated", "errors": errors}, products

    @rule(body=st.sampled_from(BAD_BODIES), method=st.sampled_from(["POST", "PUT"]))
    def bad_input_changes_nothing(self, body: Any, method: str) -> None:
        answer = self.update(body, method)
        assert answer["status"] == "no" and answer["msg"] and "errors" not in answer, (body, answer)

    @rule(
        sid=st.sampled_from([1001, 1002, 1003, 1004]),
        move=st.sampled_from(["allocate", "release", "ship"]),
        amount=st.integers(1, 25),
        by_product=st.booleans(),
    )
    def allocation(self, sid: int, move: str, amount: int, by_product: bool) -> None:
        target: dict[str, Any] = {"product": SEED[sid][0][0]} if by_product else {"stockItemId": sid}
        r = self.box.sim("POST", "/_sim/centra/allocations", json={"plugin": "demo", **target, move: amount})
        available = self.physical[sid] - self.allocated[sid]
        if (move == "allocate" and amount > available) or (move != "allocate" and amount > self.allocated[sid]):
            assert r.status_code == 409 and r.json()["error"]["code"] == "conflict", r.text
            return
        assert r.status_code == 200, r.text
        if move == "allocate":
            self.allocated[sid] += amount
        else:
            self.allocated[sid] -= amount
            self.physical[sid] -= amount if move == "ship" else 0
        item = r.json()["item"]
        assert (item["physicalStock"], item["allocatedStock"], item["availableStock"]) == (
            self.physical[sid],
            self.allocated[sid],
            self.physical[sid] - self.allocated[sid],
        )

    @invariant()
    def stock_matches_the_model(self) -> None:
        self.box.counter.checks += 1
        r = self.box.request("GET", "/centra/demo/stock", headers=TOKEN)
        assert r.status_code == 200 and r.json()["status"] == "ok", r.text
        seen = {
            p["stockItemId"]: (p["physicalStock"], p["allocatedStock"], p["availableStock"])
            for p in r.json()["products"]
        }
        for physical, allocated, available in seen.values():
            assert physical == allocated + available  # the doc's invariant
        assert seen == {
            sid: (self.physical[sid], self.allocated[sid], self.physical[sid] - self.allocated[sid]) for sid in SEED
        }


def test_centra_matches_the_model(run_machine: Callable[[type[Any]], None]) -> None:
    run_machine(CentraModel)
