"""The example scenarios in scenarios/: each validates, says what it is in its first line, and tells its story
against a real server (the pytest plugin's fixtures)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from simulator.pytest_plugin import StockSandbox, StockSimulator
from simulator.scenarios.loader import load_file

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLES = sorted((ROOT / "scenarios").glob("*.yaml"))


def test_the_four_stories_are_there() -> None:
    names = {p.name for p in EXAMPLES}
    assert {
        "rate-limited-shop.yaml",
        "flaky-network.yaml",
        "partial-batch-failures.yaml",
        "slow-async-imports.yaml",
    } <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_each_example_validates_and_says_what_it_is_in_one_line(path: Path) -> None:
    first, second = path.read_text().splitlines()[:2]
    assert first.startswith("# ") and len(first) > 20
    assert not second.startswith("#")
    assert load_file(path).spec.name == path.stem


# rate-limited-shop.yaml

SHOP = ("shop-api-key", "shop-api-secret")
MUG = "/merchantpro/shop/api/v2/inventory/sku/MUG-RED"


def mug_stock(sb: StockSandbox) -> int:
    products = sb.state("merchantpro")["merchantpro"]["shops"]["shop"]["products"]
    stock: int = next(p["stock"] for p in products if p["sku"] == "MUG-RED")
    return stock


@pytest.mark.stocksim_scenario("scenarios/rate-limited-shop.yaml")
def test_rate_limited_shop_answers_429_with_retry_after_and_refills_with_time(stock_sandbox: StockSandbox) -> None:
    """4 requests a second per key, as a public MerchantPro client keeps itself ("MP limit is 4/sec"; inferred)."""
    sb = stock_sandbox
    sb.freeze()  # no refill while the burst runs, however slow the machine
    assert [sb.client.get(MUG, auth=SHOP).status_code for _ in range(4)] == [200] * 4
    r = sb.client.patch(MUG, json={"stock": 1}, auth=SHOP)
    assert (r.status_code, r.headers["Retry-After"], r.json()) == (
        429,
        "1",
        {"error": {"code": 429, "name": "Too Many Requests", "message": "Too many requests"}},
    )
    assert mug_stock(sb) == 10  # refused, not applied
    sb.advance(0.25)  # a quarter of a second brings one request back
    assert sb.client.patch(MUG, json={"stock": 1}, auth=SHOP).status_code == 200
    assert sb.client.get(MUG, auth=SHOP).status_code == 429
    sb.advance(60)  # refills to the capacity, not beyond
    assert [sb.client.get(MUG, auth=SHOP).status_code for _ in range(5)] == [200] * 4 + [429]
    assert mug_stock(sb) == 1
    sb.verify({"status": 429, "fault": True, "exactly": 3}, {"status": 200, "exactly": 9})


# flaky-network.yaml

CENTRA = {"API-Authorization": "shop-centra-api-token"}


def hammer(sb: StockSandbox, calls: int) -> list[int | str]:
    """Set the first item's stock to 1000 + i on call i; what the client saw each time."""
    seen: list[int | str] = []
    for i in range(calls):
        body = {"products": [{"product": "7350000000101", "quantity": 1000 + i}]}
        try:
            seen.append(sb.client.post("/centra/shop/stock", json=body, headers=CENTRA).status_code)
        except httpx.TransportError as exc:
            seen.append(type(exc).__name__)
    return seen


def centra_stock(sb: StockSandbox) -> int:
    items = sb.state("centra")["centra"]["plugins"]["shop"]["items"]
    stock: int = items[0]["physicalStock"]
    return stock


def test_flaky_network_faults_are_the_same_in_every_sandbox_of_the_scenario(stock_simulator: StockSimulator) -> None:
    runs: list[tuple[Any, ...]] = []
    for _ in range(2):
        with stock_simulator.create_sandbox(scenario=ROOT / "scenarios" / "flaky-network.yaml") as sb:
            started = time.monotonic()
            seen = hammer(sb, 20)
            elapsed = time.monotonic() - started
            outcomes = [(e["outcome"], e["fault"]) for e in sb.journal()]
            runs.append((seen, outcomes, centra_stock(sb), {f["id"]: f["fired"] for f in sb.faults()}))
            assert elapsed >= 20 * 0.02  # the jitter is real time, felt by the client
    first, second = runs
    assert first == second
    seen, outcomes, stock, fired = first
    assert {o for o, _ in outcomes} == {"response", "dropped", "reset"}
    assert seen.count(200) == outcomes.count(("response", None)) > 0
    assert len(seen) - seen.count(200) == fired["lost-response"] + fired["reset"] > 1
    assert fired["jitter"] == 20
    # A dropped response was applied all the same (phase: after); a reset one was not.
    last_applied = max(i for i, (o, _) in enumerate(outcomes) if o != "reset")
    assert stock == 1000 + last_applied


# partial-batch-failures.yaml

ILEVEL = ("shop", "shop-ilevel-api-key")
WAREHOUSE = "1571945CAB99744086F9FDFC9D9332D5"


@pytest.mark.stocksim_scenario("scenarios/partial-batch-failures.yaml")
def test_partial_batch_failures_fail_named_items_and_apply_the_rest(stock_sandbox: StockSandbox) -> None:
    sb = stock_sandbox
    items = [
        {"code": "ACC-OK-1", "inStock": 9},
        {"code": "ACC-BROKEN", "inStock": 1},
        {"barcode": "5052011229999", "inStock": 2},
    ]
    r = sb.client.post(
        f"/ilevel/shop/api/batchStock?warehouse_id={WAREHOUSE}", json={"batchStock": {"item": items}}, auth=ILEVEL
    )
    failed = {"success": False, "message": "Failed to save item"}
    assert (r.status_code, r.json()) == (
        200,
        {
            "allPassed": False,
            "error": "Some items failed to update please check results.",
            "results": [{**items[1], **failed}, {**items[2], **failed}],
        },
    )
    ilevel = sb.state("ilevel")["ilevel"]["tenants"]["shop"]["warehouses"][WAREHOUSE]["stock"]
    assert [(s["variant_id"], s["inStock"]) for s in ilevel] == [("0A5EEDAF16F8D54486AB2AD7474B3994", 9)]

    body = {"products": [{"product": "7350000000101", "quantity": 3}, {"product": "7350000000118", "quantity": 4}]}
    r = sb.client.post("/centra/shop/stock", json=body, headers=CENTRA)
    assert (r.status_code, r.json()) == (
        200,
        {
            "status": "no",
            "msg": "Some of the products were not updated",
            "errors": {"productsNotFound": ["7350000000118"]},
        },
    )
    centra = sb.state("centra")["centra"]["plugins"]["shop"]["items"]
    assert [(i["ean"], i["physicalStock"]) for i in centra] == [("7350000000101", 3), ("7350000000118", 20)]
    sb.verify({"vendor": "ilevel", "body_contains": "ACC-BROKEN", "exactly": 1}, {"vendor": "centra", "exactly": 1})


# slow-async-imports.yaml

IMPORT = "/ka-ching/imports/stock?account=shop&integration=erp&apikey=shop-erp-apikey"


def kaching_shop(sb: StockSandbox) -> dict[str, Any]:
    account: dict[str, Any] = sb.state("ka-ching")["ka-ching"]["accounts"]["shop"]
    return account


@pytest.mark.stocksim_scenario("scenarios/slow-async-imports.yaml")
def test_slow_async_imports_apply_only_after_the_delay(stock_sandbox: StockSandbox) -> None:
    sb = stock_sandbox
    sb.freeze()
    r = sb.client.post(IMPORT, json={"store-1": {"mug-red": 9}})
    assert (r.status_code, r.json()) == (200, {"status": "OK", "message": "Import of 1 stock value(s) initiated"})
    sb.advance(29)
    time.sleep(0.3)  # the queue polls every 20 ms: give it many chances to apply too early
    shop = kaching_shop(sb)
    assert (shop["locations"]["store-1"]["stock"], shop["pending_imports"]) == ({"mug-red": 3}, 1)
    sb.advance(1)
    deadline = time.monotonic() + 10
    while kaching_shop(sb)["pending_imports"] and time.monotonic() < deadline:
        time.sleep(0.02)
    shop = kaching_shop(sb)
    assert (shop["locations"]["store-1"]["stock"], shop["pending_imports"]) == ({"mug-red": 9}, 0)
