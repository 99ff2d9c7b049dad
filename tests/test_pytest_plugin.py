"""The pytest plugin's fixtures, used for real (uvicorn on a socket, sync httpx), as an integrator's suite would.

The first two functions are the README's example, verbatim; test_the_docs_example_is_this_file
keeps the two the same.
"""

from __future__ import annotations

import ast
import json
import os
import re
import statistics
import subprocess
import sys
import textwrap
import threading
import time
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from simulator.pytest_plugin import ControlError, StockSandbox, StockSimulator
from simulator.scenarios import examples

ROOT = Path(__file__).resolve().parent.parent


def push_stock(base_url: str, key: str, secret: str, sku: str, stock: int, attempts: int = 3) -> dict[str, Any]:
    """The client under test: set one product's stock in a MerchantPro shop, retrying 429 and 5xx answers
    (after the Retry-After the shop asks for, if any)."""
    with httpx.Client(base_url=base_url, auth=(key, secret), timeout=5) as http:
        for attempt in range(1, attempts + 1):
            r = http.patch(f"/api/v2/inventory/sku/{quote(sku, safe='')}", json={"stock": stock})
            if r.status_code in (429, 500, 502, 503, 504) and attempt < attempts:
                time.sleep(float(r.headers.get("Retry-After", 0)))
                continue
            r.raise_for_status()
            product: dict[str, Any] = r.json()
            return product
    raise AssertionError("attempts must be at least 1")


def test_push_stock_retries_a_503(stock_sandbox: StockSandbox) -> None:
    shop = stock_sandbox
    creds = shop.credentials("merchantpro", "demo")
    # The shop's first PATCH answers 503; the client must retry and succeed.
    shop.add_fault(
        {
            "match": {"vendor": "merchantpro", "account": "demo", "method": "PATCH"},
            "when": {"first": 1},
            "action": {"kind": "status", "status": 503},
        }
    )
    product = push_stock(shop.base_url("merchantpro", "demo"), creds["username"], creds["password"], "WMY71443LB2", 7)
    assert product["stock"] == 7
    shop.verify(
        {"vendor": "merchantpro", "method": "PATCH", "status": 503, "exactly": 1},
        {"vendor": "merchantpro", "method": "PATCH", "status": 200, "exactly": 1},
    )


@pytest.mark.stocksim_scenario("rate-limited-shop")  # a shipped scenario: 4 requests a second, as real shops
def test_push_stock_waits_out_a_rate_limit(stock_sandbox: StockSandbox) -> None:
    shop = stock_sandbox
    creds = shop.credentials("merchantpro", "shop")
    shop.freeze()  # the shop's clock stands still: what another process of the shop's spends stays spent ...
    for _ in range(4):
        shop.client.get("/merchantpro/shop/api/v2/inventory/sku/MUG-RED", auth=(creds["username"], creds["password"]))
    threading.Timer(0.5, shop.run_clock).start()  # ... until half a second into push_stock's first wait
    product = push_stock(shop.base_url("merchantpro", "shop"), creds["username"], creds["password"], "MUG-RED", 3)
    assert product["stock"] == 3
    shop.verify(
        {"vendor": "merchantpro", "method": "PATCH", "status": 429, "exactly": 1},
        {"vendor": "merchantpro", "method": "PATCH", "status": 200, "exactly": 1},
    )


def docs_example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert len(blocks) == 1
    block: str = blocks[0]
    return block


def test_the_docs_example_is_this_file() -> None:
    """(test_the_plugin_works_in_another_project runs it as a file of its own.)"""
    example = docs_example()
    tree = ast.parse(example)
    here = Path(__file__).read_text()
    imported = {(n.module, a.name) for n in ast.walk(ast.parse(here)) if isinstance(n, ast.ImportFrom) for a in n.names}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            assert {(node.module, a.name) for a in node.names} <= imported, ast.unparse(node)
        elif isinstance(node, ast.Import):
            assert f"{ast.unparse(node)}\n" in here
        else:
            segment = ast.get_source_segment(example, node, padded=True)
            assert segment is not None and segment in here, f"{node.lineno}: not in {__file__}"


def run_pytest(where: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """pytest in another directory: no conftest, no access to this repository's tests/, only the installed plugin.

    The other pytest plugins installed here (this project's test extras: hypothesis, schemathesis, anyio) are
    blocked, as an integrator's project would not have them; they would also take seconds to load."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("STOCKSIM_") and k != "PYTEST_ADDOPTS"}
    others = [f"no:{ep.name}" for ep in entry_points(group="pytest11") if ep.value != "simulator.pytest_plugin"]
    blocked = [arg for name in others for arg in ("-p", name)]
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", *blocked, "-W", "error"],
        cwd=where,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


# The plugin's API, beyond the docs' example.

BASE = "/merchantpro/demo/api/v2/inventory"
DEMO = ("demo-api-key", "demo-api-secret")


def stock_of(sandbox: StockSandbox, sku: str, shop: str = "demo") -> int:
    products = sandbox.state("merchantpro")["merchantpro"]["shops"][shop]["products"]
    stock: int = next(p["stock"] for p in products if p["sku"] == sku)
    return stock


def test_a_fault_gives_a_503_which_the_journal_and_verify_show(stock_sandbox: StockSandbox) -> None:
    sb = stock_sandbox
    r = sb.client.patch(f"{BASE}/sku/WMY71443LB2", json={"stock": 5}, auth=DEMO)
    assert (r.status_code, r.json()["stock"]) == (200, 5)
    [rule] = sb.add_fault(
        {
            "id": "down",
            "match": {"vendor": "merchantpro", "path": "/api/v2/inventory/sku/*", "item": "WMY71443LB2"},
            "action": {"kind": "status", "status": 503},
        }
    )
    assert (rule["id"], rule["source"], rule["calls"]) == ("down", "runtime", 0)
    r = sb.client.patch(f"{BASE}/sku/WMY71443LB2", json={"stock": 6}, auth=DEMO)
    assert (r.status_code, r.json()) == (
        503,
        {"error": {"code": 503, "name": "Service Unavailable", "message": "Service Unavailable"}},
    )
    assert stock_of(sb, "WMY71443LB2") == 5  # refused before the shop saw it
    assert [f["fired"] for f in sb.faults()] == [1]

    entries = sb.journal(method="PATCH")
    assert [(e["status"], e["fault"], e["path"]) for e in entries] == [
        (200, None, "/api/v2/inventory/sku/WMY71443LB2"),
        (503, "down", "/api/v2/inventory/sku/WMY71443LB2"),
    ]
    assert entries[1]["body"] == '{"stock":6}'
    assert [e["status"] for e in sb.journal(fault=True)] == [503]
    assert sb.journal(fault=False, status=503) == []
    result = sb.verify({"vendor": "merchantpro", "status": 503, "exactly": 1}, {"method": "PATCH", "at_least": 2})
    assert result["ok"] is True
    with pytest.raises(AssertionError, match=r"expected exactly 2 matching request\(s\), found 1; matching: #2 PATCH"):
        sb.verify({"status": 503, "exactly": 2})

    assert sb.clear_faults() == 1
    r = sb.client.patch(f"{BASE}/sku/WMY71443LB2", json={"stock": 6}, auth=DEMO)
    assert r.status_code == 200
    sb.clear_journal()
    assert sb.journal() == []


def test_two_sandboxes_are_isolated(stock_sandbox: StockSandbox, stock_simulator: StockSimulator) -> None:
    with stock_simulator.create_sandbox() as other:
        assert other.name != stock_sandbox.name
        assert other.root_url == f"{stock_simulator.url}/sandboxes/{other.name}"
        stock_sandbox.add_fault({"match": {"vendor": "merchantpro"}, "action": {"kind": "status", "status": 500}})
        assert other.client.patch(f"{BASE}/id/10001", json={"stock": 1}, auth=DEMO).status_code == 200
        assert stock_sandbox.client.patch(f"{BASE}/id/10001", json={"stock": 2}, auth=DEMO).status_code == 500
        assert (stock_of(other, "WMY71443LB2"), stock_of(stock_sandbox, "WMY71443LB2")) == (1, 10)
        assert [e["status"] for e in other.journal()] == [200]
        assert [e["status"] for e in stock_sandbox.journal()] == [500]
        stock_sandbox.advance(3600)
        assert abs(other.clock()["offset_seconds"]) < 60
    # Leaving the block deleted it.
    r = httpx.get(f"{stock_simulator.url}/_sim/sandboxes/{other.name}", trust_env=False)
    assert r.status_code == 404


LIMITED = {
    "merchantpro": {
        "shops": [
            {
                "name": "s",
                "api_key": "k",
                "api_secret": "s",
                "products": [{"id": 1, "sku": "A", "stock": 1, "price_net": 10}],
            }
        ]
    },
    "rate_limits": [{"vendor": "merchantpro", "capacity": 2, "refill_per_second": 0.5}],
}


def test_advancing_the_clock_refills_a_rate_limit(stock_simulator: StockSimulator) -> None:
    with stock_simulator.create_sandbox(scenario=LIMITED) as sb:
        assert sb.freeze()["frozen"] is True
        statuses = [
            sb.client.get("/merchantpro/s/api/v2/inventory/sku/A", auth=("k", "s")).status_code for _ in range(3)
        ]
        assert statuses == [200, 200, 429]
        r = sb.client.get("/merchantpro/s/api/v2/inventory/sku/A", auth=("k", "s"))
        assert (r.status_code, r.headers["Retry-After"]) == (429, "2")
        sb.advance(1)  # half a token
        assert sb.client.get("/merchantpro/s/api/v2/inventory/sku/A", auth=("k", "s")).status_code == 429
        sb.advance(1)
        assert sb.client.get("/merchantpro/s/api/v2/inventory/sku/A", auth=("k", "s")).status_code == 200
        assert sb.client.get("/merchantpro/s/api/v2/inventory/sku/A", auth=("k", "s")).status_code == 429
        assert sb.run_clock()["frozen"] is False


@pytest.mark.parametrize(
    "_",
    [
        pytest.param("name", marks=pytest.mark.stocksim_scenario("rate-limited-shop"), id="shipped-name"),
        pytest.param("path", marks=pytest.mark.stocksim_scenario("scenarios/rate-limited-shop.yaml"), id="path"),
    ],
)
def test_the_marker_makes_the_sandbox_from_a_shipped_scenario_or_a_file(stock_sandbox: StockSandbox, _: str) -> None:
    assert [(a["vendor"], a["account"]) for a in stock_sandbox.apis] == [("merchantpro", "shop")]
    assert stock_sandbox.base_url("merchantpro") == f"{stock_sandbox.root_url}/merchantpro/shop"
    assert stock_sandbox.credentials("merchantpro") == {
        "scheme": "basic",
        "username": "shop-api-key",
        "password": "shop-api-secret",
    }
    with pytest.raises(LookupError, match="no centra account"):
        stock_sandbox.base_url("centra")


def test_credentials_of_each_scheme(stock_sandbox: StockSandbox) -> None:
    assert stock_sandbox.credentials("centra") == {
        "scheme": "header",
        "header": "API-Authorization",
        "token": "demo-centra-api-token",
    }
    assert stock_sandbox.credentials("ka-ching")["apikey"] == "demo-apikey"
    assert stock_sandbox.base_url("merchantpro") == stock_sandbox.base_url("merchantpro", "demo")  # the first
    assert stock_sandbox.base_url("merchantpro", "demo-mw").endswith("/merchantpro/demo-mw")
    with pytest.raises(LookupError, match="no merchantpro account nope"):
        stock_sandbox.credentials("merchantpro", "nope")


def test_reset_restores_data_and_empties_the_journal(stock_sandbox: StockSandbox) -> None:
    sb = stock_sandbox
    sb.client.patch(f"{BASE}/id/10001", json={"stock": 0}, auth=DEMO)
    sb.add_fault({"match": {"vendor": "centra"}, "action": {"kind": "drop"}})
    sb.advance(100)
    sb.reset()
    assert stock_of(sb, "WMY71443LB2") == 10
    assert (sb.journal(), sb.faults()) == ([], [])
    assert abs(sb.clock()["offset_seconds"]) < 60


def test_refusals_raise_control_error_with_the_servers_problems(stock_sandbox: StockSandbox) -> None:
    with pytest.raises(ControlError) as caught:
        stock_sandbox.add_fault({"match": {"vendor": "shopify"}, "action": {"kind": "drop"}})
    assert caught.value.status == 400
    assert '"path":"$[0].match.vendor"' in caught.value.body
    with pytest.raises(ControlError, match="409"):
        stock_sandbox.add_fault([{"id": "x", "action": {"kind": "drop"}}, {"id": "x", "action": {"kind": "drop"}}])
    assert stock_sandbox.faults() == []
    with pytest.raises(ControlError, match="400"):
        stock_sandbox.journal(status="teapot")


def test_a_scenario_that_does_not_validate_is_refused(stock_simulator: StockSimulator, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("merchantpro:\n  shops:\n    - name: s\n      api_key: k\n")
    with pytest.raises(ControlError, match="api_secret"):
        stock_simulator.create_sandbox(scenario=bad)


def test_a_sandbox_reuses_the_sessions_connections(stock_simulator: StockSimulator) -> None:
    """A sandbox costs the server's create and delete (a few ms), not a new client's SSL context (~40 ms each)."""
    times = []
    for _ in range(31):
        started = time.perf_counter()
        with stock_simulator.create_sandbox():
            pass
        times.append(time.perf_counter() - started)
    assert statistics.median(times) < 0.030, times


def test_a_deleted_sandbox_closes_its_client_and_leaves_the_others_working(
    stock_sandbox: StockSandbox, stock_simulator: StockSimulator
) -> None:
    with stock_simulator.create_sandbox() as other:
        assert other.client.get(f"{BASE}/id/10001", auth=DEMO).status_code == 200
    with pytest.raises(RuntimeError, match="closed"):
        other.client.get(f"{BASE}/id/10001", auth=DEMO)
    assert stock_sandbox.client.get(f"{BASE}/id/10001", auth=DEMO).json()["stock"] == 10
    assert [e["status"] for e in stock_sandbox.journal()] == [200]
    stock_sandbox.client.close()  # a test closing the sandbox's client does not close the session's pool
    with stock_simulator.create_sandbox() as third:
        assert third.client.get(f"{BASE}/id/10001", auth=DEMO).status_code == 200


def test_create_sandbox_takes_a_shipped_scenarios_name(stock_simulator: StockSimulator) -> None:
    with stock_simulator.create_sandbox(scenario="partial-batch-failures") as sb:
        assert sorted({a["vendor"] for a in sb.apis}) == ["centra", "ilevel"]
        assert {f["source"] for f in sb.faults()} == {"scenario"}
    with pytest.raises(FileNotFoundError):
        stock_simulator.create_sandbox(scenario="no-such-scenario")


def test_importing_the_plugin_imports_nothing_heavy() -> None:
    code = (
        "import sys, simulator.pytest_plugin; print([m for m in ('httpx', 'uvicorn', 'starlette') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


OUTSIDE_TEST = """
import os

import pytest


def test_outside(stock_sandbox, stock_simulator):
    print("URL", stock_simulator.url, os.environ.get("STOCKSIM_URL"))
    print("APIS", sorted({a["vendor"] for a in stock_sandbox.apis}))


@pytest.mark.stocksim_scenario("rate-limited-shop")
def test_marked_by_name(stock_sandbox):
    print("BY NAME", [(a["vendor"], a["account"]) for a in stock_sandbox.apis])


@pytest.mark.stocksim_scenario("scenarios/mine.yaml")
def test_marked_by_path(stock_sandbox):
    print("BY PATH", [(a["vendor"], a["account"]) for a in stock_sandbox.apis])
"""


def outside_project(where: Path) -> Path:
    """A project of its own: tests/ and scenarios/ under ``where`` (the rootdir), the plugin from the install."""
    (where / "tests").mkdir()
    (where / "tests" / "test_outside.py").write_text(textwrap.dedent(OUTSIDE_TEST))
    (where / "scenarios").mkdir()
    (where / "scenarios" / "mine.yaml").write_text(json.dumps(LIMITED))  # JSON is YAML
    return where


@pytest.mark.parametrize("mode", ["own-server", "own-server-by-name", "STOCKSIM_URL"])
def test_the_plugin_works_in_another_project(mode: str, tmp_path: Path, stock_simulator: StockSimulator) -> None:
    project = outside_project(tmp_path)
    if mode == "STOCKSIM_URL":
        (project / "tests" / "test_docs_example.py").write_text(docs_example())
        run = run_pytest(project, {"STOCKSIM_URL": stock_simulator.url})
    elif mode == "own-server":
        run = run_pytest(project, {"STOCKSIM_SCENARIO": str(ROOT / "scenarios" / "slow-async-imports.yaml")})
    else:
        run = run_pytest(project, {"STOCKSIM_SCENARIO": "slow-async-imports"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "BY NAME [('merchantpro', 'shop')]" in run.stdout
    assert "BY PATH [('merchantpro', 's')]" in run.stdout
    if mode == "STOCKSIM_URL":
        assert "5 passed" in run.stdout  # the docs example's two tests too
        assert f"URL {stock_simulator.url} {stock_simulator.url}" in run.stdout
        assert "APIS ['centra', 'ilevel', 'ka-ching', 'merchantpro']" in run.stdout
    else:
        assert "3 passed" in run.stdout
        assert "URL http://127.0.0.1:" in run.stdout
        assert "APIS ['ka-ching']" in run.stdout


MARKED_WRONG = """
import pytest


@pytest.mark.stocksim_scenario("no-such-scenario")
def test_unknown(stock_sandbox):
    pass


@pytest.mark.stocksim_scenario("a.yaml", "b.yaml")
def test_two(stock_sandbox):
    pass
"""


def test_a_marker_that_names_no_scenario_fails_its_test_saying_why(
    tmp_path: Path, stock_simulator: StockSimulator
) -> None:
    (tmp_path / "test_wrong.py").write_text(textwrap.dedent(MARKED_WRONG))
    run = run_pytest(tmp_path, {"STOCKSIM_URL": stock_simulator.url})
    assert run.returncode == 1, run.stdout + run.stderr
    assert "2 errors" in run.stdout
    missing = tmp_path / "no-such-scenario"
    assert f"stocksim_scenario('no-such-scenario'): no file {missing} and no shipped scenario" in run.stdout
    assert f"of that name (shipped: {', '.join(examples.shipped())})" in run.stdout
    assert "stocksim_scenario takes one argument" in run.stdout


def test_the_plugin_sends_the_control_token(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support import app_for, served

    with served(app_for(control_token="t0ken")) as url:
        monkeypatch.delenv("STOCKSIM_CONTROL_TOKEN", raising=False)
        with StockSimulator(url) as simulator, pytest.raises(ControlError) as refused:
            simulator.create_sandbox()
        assert refused.value.status == 401
        monkeypatch.setenv("STOCKSIM_CONTROL_TOKEN", "t0ken")
        with StockSimulator(url) as simulator, simulator.create_sandbox() as sandbox:
            assert sandbox.state("merchantpro")["merchantpro"]["shops"]["demo"]["total"] == 5
            assert sandbox.journal() == []
