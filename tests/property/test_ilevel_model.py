"""i.LEVEL against a reference model written from the doc and docs/fidelity.md: batches of items by variant_id,
barcode or code, unknown identifiers failing alone (12006 with per-item results, the rest applied), figures left
out keeping their values, invalid items failing alone with 12051, and the 1,000-item cap; single items through
POST /api/stock, and GET /api/stock listing every record in the order it was created."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import hypothesis.strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tests.property.conftest import Sandbox

AUTH = ("demo", "demo-ilevel-api-key")
W1, W2 = "1571945CAB99744086F9FDFC9D9332D5", "8E0F3D4C2B1A49D7A6E5F4C3B2A19080"
FIGURES = ("inStock", "demand", "supply")
MAX = 1_000_000_000
FAILS = "7D3E4F5061728394A5B6C7D8E9F0A1B2"  # the scenario's fail_items: every item naming it fails with 12051
# variant id -> its identifiers (the default scenario's variants)
VARIANTS: dict[str, dict[str, str]] = {
    "0A5EEDAF16F8D54486AB2AD7474B3994": {},
    "1571945CAB99744086F9FDFC9D9332D5": {},
    "5B1C2D3E4F5061728394A5B6C7D8E9F0": {"barcode": "5052011221399"},
    "6C2D3E4F5061728394A5B6C7D8E9F0A1": {"code": "ACC001018__A"},
    FAILS: {"barcode": "5052011229999", "code": "FAIL-ALWAYS"},
}
LOOKUP = {(kind, value): vid for vid, ids in VARIANTS.items() for kind, value in ids.items()}
LOOKUP.update({("variant_id", vid): vid for vid in VARIANTS})
IDENTIFIERS = sorted(LOOKUP) + [
    ("variant_id", "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"),
    ("variant_id", "0a5eedaf16f8d54486ab2ad7474b3994"),  # matching is case-sensitive
    ("barcode", "NOT A VALID BARCODE"),
    ("code", "acc001018__a"),
]
BAD_FIGURES = [-1, "5", 1.5, True, None, MAX + 1]
Record = dict[str, int]

items = st.tuples(
    st.sampled_from(IDENTIFIERS),
    st.dictionaries(st.sampled_from(FIGURES), st.integers(0, 500) | st.just(MAX), max_size=3),
    st.none() | st.tuples(st.sampled_from(FIGURES), st.sampled_from(BAD_FIGURES)),
)


class IlevelModel(RuleBasedStateMachine):
    def __init__(self, box: Sandbox) -> None:
        super().__init__()
        self.box = box
        # In the order GET /api/stock lists them: the scenario's records, then the created ones (dicts keep order).
        self.stock: dict[tuple[str, str], Record] = {
            (W1, "0A5EEDAF16F8D54486AB2AD7474B3994"): {"inStock": 5, "demand": 1, "supply": 2},
            (W2, "1571945CAB99744086F9FDFC9D9332D5"): {"inStock": 3, "demand": 0, "supply": 0},
            (W2, "5B1C2D3E4F5061728394A5B6C7D8E9F0"): {"inStock": 1, "demand": 0, "supply": 4},
        }

    def teardown(self) -> None:
        self.box.close()

    def post(self, warehouse: str, body: Any) -> Any:
        params = {"warehouse_id": warehouse}
        return self.box.request(
            "POST", "/ilevel/demo/api/batchStock", params=params, content=json.dumps(body), auth=AUTH
        )

    @rule(warehouse=st.sampled_from([W1, W2]), batch=st.lists(items, min_size=1, max_size=6))
    def batch(
        self, warehouse: str, batch: list[tuple[tuple[str, str], dict[str, int], tuple[str, Any] | None]]
    ) -> None:
        sent: list[dict[str, Any]] = []
        failed: list[tuple[dict[str, Any], bool]] = []  # the item as sent; whether it was invalid
        for (kind, identifier), figures, bad in batch:
            item: dict[str, Any] = {kind: identifier, **figures}
            if bad is not None:
                item[bad[0]] = bad[1]
            sent.append(item)
            variant = LOOKUP.get((kind, identifier))
            if bad is not None:
                failed.append((item, True))
            elif variant is None or variant == FAILS:
                failed.append((item, False))
            else:
                record = self.stock.setdefault((warehouse, variant), dict.fromkeys(FIGURES, 0))
                record.update(figures)
        r = self.post(warehouse, {"batchStock": {"item": sent}})
        assert r.status_code == 200, r.text
        body = r.json()
        if not failed:
            assert body == {"allPassed": True, "results": []}, (sent, body)
            return
        assert body["allPassed"] is False and body["error"] == "Some items failed to update please check results."
        assert len(body["results"]) == len(failed), (sent, body)
        for result, (item, invalid) in zip(body["results"], failed, strict=True):
            variant = LOOKUP.get(next((k, v) for k, v in item.items() if k not in FIGURES))
            message = "Failed to save item" if invalid or variant == FAILS else "Variant not found"
            assert result == {**item, "success": False, "message": message}

    @rule(warehouse=st.sampled_from([W1, W2]), one=items)
    def single_item(self, warehouse: str, one: tuple[tuple[str, str], dict[str, int], tuple[str, Any] | None]) -> None:
        (kind, identifier), figures, bad = one
        item: dict[str, Any] = {kind: identifier, **figures}
        if bad is not None:
            item[bad[0]] = bad[1]
        r = self.box.request(
            "POST", "/ilevel/demo/api/stock", params={"warehouse_id": warehouse}, content=json.dumps(item), auth=AUTH
        )
        assert r.status_code == 200, r.text
        variant = LOOKUP.get((kind, identifier))
        if bad is None and variant is not None and variant != FAILS:
            assert r.json() == {"allPassed": True, "results": []}
            self.stock.setdefault((warehouse, variant), dict.fromkeys(FIGURES, 0)).update(figures)
            return
        message = "Failed to save item" if bad is not None or variant == FAILS else "Variant not found"
        assert r.json()["results"] == [{**item, "success": False, "message": message}]

    @rule(warehouse=st.sampled_from([W1, W2]), over=st.booleans(), inStock=st.integers(0, 50))
    def the_1000_item_cap(self, warehouse: str, over: bool, inStock: int) -> None:
        variant = "5B1C2D3E4F5061728394A5B6C7D8E9F0"
        sent = [{"barcode": "5052011221399", "inStock": n} for n in range(999)] + [
            {"variant_id": variant, "inStock": inStock}
        ]
        if over:
            sent.append({"code": "ACC001018__A", "supply": 7})
        r = self.post(warehouse, {"batchStock": {"item": sent}})
        if over:
            assert r.status_code == 400, r.text
            assert r.json() == {"allPassed": False, "error": "Call exceeds 1,000 item limit!", "results": []}
            return
        assert r.status_code == 200 and r.json() == {"allPassed": True, "results": []}, r.text
        self.stock.setdefault((warehouse, variant), dict.fromkeys(FIGURES, 0))["inStock"] = inStock

    @rule(
        case=st.sampled_from(
            [
                (
                    "00000000000000000000000000000000",
                    {"batchStock": {"item": [{"variant_id": FAILS, "inStock": 1}]}},
                    "Warehouse not found: 00000000000000000000000000000000",
                ),
                (
                    W1.lower(),
                    {"batchStock": {"item": [{"barcode": "5052011221399", "inStock": 1}]}},
                    f"Warehouse not found: {W1.lower()}",
                ),
                (W1, {"item": [{"barcode": "5052011221399"}]}, "Missing mandatory property, 'batchStock'"),
                (W1, {"batchStock": {"item": []}}, "Missing stock item collection!"),
                (W1, {"batchStock": {"items": [{"barcode": "5052011221399"}]}}, "Missing stock item collection!"),
                ("", {"batchStock": {"item": [{"barcode": "5052011221399"}]}}, "Missing query parameter warehouse_id"),
            ]
        )
    )
    def refused_batches_change_nothing(self, case: tuple[str, Any, str]) -> None:
        warehouse, body, error = case
        r = self.post(warehouse, body)
        assert r.status_code == 400, r.text
        assert r.json() == {"allPassed": False, "error": error, "results": []}

    @rule(warehouse=st.sampled_from([W1, W2]), variant=st.sampled_from(sorted(VARIANTS)))
    def read_one_record(self, warehouse: str, variant: str) -> None:
        params = {"warehouse_id": warehouse, "variant_id": variant}
        r = self.box.request("GET", "/ilevel/demo/api/stock", params=params, auth=AUTH)
        assert r.status_code == 200, r.text
        record = self.stock.get((warehouse, variant))
        expected = [] if record is None else [{"fk_warehouse": warehouse, "fk_variant": variant, **record}]
        assert [
            {k: rec[k] for k in ("fk_warehouse", "fk_variant", *FIGURES)} for rec in r.json()["response"]["stock"]
        ] == expected

    @rule(pagesize=st.sampled_from([1, 2, 3, 1000]), warehouse=st.none() | st.sampled_from([W1, W2]))
    def list_every_record_in_creation_order(self, pagesize: int, warehouse: str | None) -> None:
        listed = []
        page = 1
        while True:
            params: dict[str, Any] = {"page": page, "pagesize": pagesize}
            if warehouse is not None:
                params["warehouse_id"] = warehouse
            r = self.box.request("GET", "/ilevel/demo/api/stock", params=params, auth=AUTH)
            response = r.json()["response"]
            listed += [
                ((rec["fk_warehouse"], rec["fk_variant"]), {k: rec[k] for k in FIGURES}) for rec in response["stock"]
            ]
            if page >= response["pageCount"]:
                break
            page += 1
        expected = [(key, record) for key, record in self.stock.items() if warehouse in (None, key[0])]
        assert listed == expected
        assert response["recordsFound"] == len(expected)

    @invariant()
    def records_match_the_model(self) -> None:
        self.box.counter.checks += 1
        warehouses = self.box.state()["ilevel"]["tenants"]["demo"]["warehouses"]
        seen = {
            (w, rec["variant_id"]): {k: rec[k] for k in FIGURES} for w, wh in warehouses.items() for rec in wh["stock"]
        }
        assert seen == self.stock


def test_ilevel_matches_the_model(run_machine: Callable[[type[Any]], None]) -> None:
    run_machine(IlevelModel)
