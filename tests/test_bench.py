"""`make bench`'s own parts, small and fast: its scenarios, the requests it times, and how it judges figures.
The real run is `make bench` (minutes, not part of `make test`)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from typing import Any

import httpx
import pytest

from bench import baseline, catalog, compiled, floor, instructions, targets, throughput
from bench.harness import ROOT, parse_wrk
from simulator.app import create_app
from simulator.config import Settings
from simulator.pytest_plugin import serve_app
from simulator.scenarios import merchantpro
from simulator.scenarios.loader import load_file

COUNT = 40


def test_the_throughput_scenario_has_no_toolkit_rules() -> None:
    spec = load_file(throughput.SCENARIO).spec
    assert spec.faults == [] and spec.rate_limits == []
    assert [p.id for p in merchantpro.section(load_file(throughput.SCENARIO)).shops[0].products] == [10001]


def test_every_catalog_probe_reaches_the_random_item_it_names() -> None:
    app = create_app(Settings(), catalog.build(COUNT))
    with serve_app(app) as url, httpx.Client(base_url=url, trust_env=False) as client:
        ordinals = sorted(set(catalog.sample(COUNT, 30)))
        assert ordinals[0] < COUNT // 4 and ordinals[-1] > 3 * COUNT // 4  # spread, not the first rows
        for probe in catalog.PROBES:
            times = catalog.measure(client, probe, ordinals)
            assert len(times) == len(ordinals), probe.name
            # The simulator's own time for each of them, from the journal (cleared first, as a round clears it).
            client.delete("/_sim/journal").raise_for_status()
            catalog.measure(client, probe, ordinals)
            served = catalog.served_ms(client, len(ordinals))
            assert len(served) == len(ordinals) and all(0 < ms < 1000 for ms in served), probe.name
        # Past the catalog, every read probe's check refuses the answer.
        for probe in catalog.PROBES:
            if not probe.write and not probe.name.startswith("Ka-ching"):
                with pytest.raises(RuntimeError, match=probe.name):
                    catalog.measure(client, probe, [COUNT + 1])


def test_a_catalog_round_takes_each_probe_on_every_size_before_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str, bool]] = []

    class Client:  # what a round asks of its client besides the probes: clearing the journal
        def __init__(self, name: str) -> None:
            self.name = name

        def delete(self, path: str) -> httpx.Response:
            assert path == "/_sim/journal"
            return httpx.Response(204, request=httpx.Request("DELETE", path))

    def measured(client: Client, probe: catalog.Probe, ordinals: list[int], offset: int = 0) -> list[float]:
        calls.append((client.name, probe.name, probe.write))
        return [1.0] * len(ordinals)

    monkeypatch.setattr(catalog, "measure", measured)
    monkeypatch.setattr(catalog, "served_ms", lambda client, requests: [0.1] * requests)
    clients: Any = {1_000: Client("small"), 1_000_000: Client("large")}
    for r, first in ((0, "small"), (1, "large")):
        calls.clear()
        found = catalog._round(clients, r, 3)
        assert {count: sorted(times) for count, times in found.items()} == {
            count: sorted(p.name for p in catalog.PROBES) for count in clients
        }
        # Probe by probe, each on both sizes in turn (the smaller first in even rounds), every read before a write.
        assert [client for client, _, _ in calls[:2]] == [first, "small" if first == "large" else "large"]
        assert [name for _, name, _ in calls[::2]] == [name for _, name, _ in calls[1::2]]
        writes = [write for _, _, write in calls]
        assert writes == sorted(writes)


def test_ratios_are_taken_within_a_round_then_the_median() -> None:
    def figure(rps: float, p99: float) -> dict[str, float]:
        return {"rps": rps, "p99_ms": p99}

    rounds = [
        {"bare_get": figure(1000, 2), "simulator_get": figure(500, 4), "bare_patch": figure(800, 2)}
        | {"simulator_patch": figure(400, 8)},
        # A slow round for both: its ratio is still 0.5, though the simulator's rate is far below the others'.
        {"bare_get": figure(100, 20), "simulator_get": figure(50, 40), "bare_patch": figure(80, 20)}
        | {"simulator_patch": figure(60, 40)},
        {"bare_get": figure(1000, 2), "simulator_get": figure(900, 3), "bare_patch": figure(800, 2)}
        | {"simulator_patch": figure(200, 2)},
    ]
    out = throughput.summarize(rounds, ["bare", "simulator"])
    assert out["ratios"]["get_rps_vs_bare"] == 0.5
    assert out["ratios"]["patch_rps_vs_bare"] == 0.5
    assert out["ratios"]["patch_p99_vs_bare"] == 2.0
    assert out["servers"]["simulator"]["get"]["rps"] == 500


def test_targets_are_judged_met_or_not() -> None:
    slow = next(p.name for p in catalog.PROBES if p.name.endswith("sku triple") and not p.write)
    large = {p.name: 50.0 if p.name == slow else 2.4 for p in catalog.PROBES}
    sizes = {
        "1000": {"median_ms": {p.name: 2.0 for p in catalog.PROBES}, "startup_s": 1.0},
        "1000000": {"median_ms": large, "startup_s": 1.0},
    }
    results: dict[str, Any] = {
        "throughput": {
            "ratios": {
                "get_rps_vs_bare": 0.61,
                "patch_rps_vs_bare": 0.79,
                "get_p99_vs_bare": 3.0,
                "patch_p99_vs_bare": 3.2,
            }
        },
        "cold_start": {"ratio": 1.4},
        "catalog": {"sizes": sizes},
        "extra": {targets.PLUGIN_KEY: {"value": 25.0}},
    }
    verdicts = {t.name: t.met for t in targets.judge(results)}
    assert verdicts["MerchantPro GET rps, x bare Starlette"]
    assert not verdicts["MerchantPro PATCH adjust_by rps, x bare Starlette"]
    assert verdicts["GET p99 at 32 connections, x bare"] and not verdicts["PATCH p99 at 32 connections, x bare"]
    assert verdicts["cold start, x bare uvicorn app"]
    assert not verdicts[f"{slow}, 1,000,000 / 1,000 items"]
    assert verdicts["MerchantPro GET sku, 1,000,000 / 1,000 items"]
    assert not any("batchStock" in name for name in verdicts)  # writes have no growth target
    assert not verdicts["pytest plugin, stock_sandbox set-up + tear-down, ms"]
    assert "NOT MET" in targets.table(targets.judge(results))

    # The simulator's own times are shown beside the client's; the target is judged on the client's (the issue's).
    sizes["1000"]["served_median_ms"] = {p.name: 0.2 for p in catalog.PROBES}
    sizes["1000000"]["served_median_ms"] = {p.name: 0.3 for p in catalog.PROBES}
    assert {t.name: t.met for t in targets.judge(results)} == verdicts
    assert "the simulator's own ms (journal), ? rounds" in catalog.table(results)


WRK_OUT = """Running 1s test @ http://127.0.0.1:8000/item
  Latency Distribution
     50%  1.20ms
     99%  {p99}
  4000 requests in 1.00s, 0.5MB read
Requests/sec:   3998.52
Transfer/sec:    500.00KB
NON2XX {non2xx}
"""


def test_wrk_output_is_read_and_non_2xx_answers_fail_the_figure() -> None:
    assert parse_wrk(WRK_OUT.format(p99="850.00us", non2xx=0), "GET") == {"rps": 3998.52, "p99_ms": 0.85}
    assert parse_wrk(WRK_OUT.format(p99="1.50s", non2xx=0), "GET")["p99_ms"] == 1500.0
    with pytest.raises(RuntimeError, match="3 responses were not 2xx"):
        parse_wrk(WRK_OUT.format(p99="1ms", non2xx=3), "GET")


def test_a_callgrind_dump_is_read_by_its_totals_line() -> None:
    # A dump asked for while the program runs (callgrind_control -d): the summary line comes first and reads 0.
    dump = "version: 1\nevents: Ir\nsummary: 0\n\nfl=(1) x.c\nfn=(1) f\n1 21216117\ntotals: 21216117\n"
    assert instructions.totals(dump) == 21_216_117
    assert instructions.totals("events: Ir\nsummary: 5\n") == 0


def test_the_floor_app_reads_the_body_and_answers_like_the_bare_route() -> None:
    async def call(app: Any, method: str, body: bytes) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.request(method, "/item", content=body, headers={"Content-Type": "application/json"})

    for method, body in (("GET", b""), ("PATCH", throughput.PATCH_BODY.encode())):
        got, bare = asyncio.run(call(floor.app, method, body)), asyncio.run(call(baseline.app, method, body))
        assert got.status_code == bare.status_code == 200
        assert got.headers["content-type"] == bare.headers["content-type"]
        assert got.json().keys() == bare.json().keys()
    with pytest.raises(ValueError):  # the PATCH's body is decoded, as the bare route decodes it
        asyncio.run(call(floor.app, "PATCH", b"{not json"))


def test_the_compiled_experiment_names_modules_that_exist() -> None:
    assert all((ROOT / module).is_file() for module in compiled.MODULES)
    assert len(set(compiled.MODULES)) == len(compiled.MODULES)


def test_the_idle_toolkit_is_judged_from_the_counts_with_and_without_it() -> None:
    counts = {"get": (212.0, 300.0, 285.0), "patch": (266.0, 400.0, 376.0)}
    results: dict[str, Any] = {
        "instructions": {
            "requests": 1000,
            "valgrind": "valgrind-3.19.0",
            **{call: {"bare": b, "simulator": s, "untooled": u} for call, (b, s, u) in counts.items()},
        }
    }
    [target] = targets.judge(results)
    assert target.value == pytest.approx(24 / 400) and not target.met
    assert "6.0%" in instructions.table(results)


UNTOOLED_PROBE = """
import asyncio, base64, sys
import httpx
from bench.throughput import ITEM, MP_AUTH, SCENARIO
from simulator.app import create_app
from simulator.config import Settings

async def main() -> None:
    app = create_app(Settings(scenario=str(SCENARIO)))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t", auth=MP_AUTH) as client:
            status = (await client.get(ITEM)).status_code
        print(status, len(app.state.sandboxes.get("default").journal))

asyncio.run(main())
"""


@pytest.mark.parametrize(("untooled", "journaled"), [(True, 0), (False, 1)])
def test_the_untooled_server_answers_the_same_without_a_journal_entry(untooled: bool, journaled: int) -> None:
    # If the toolkit's entry point moved, bench/untooled would patch nothing and the toolkit would look free.
    env = {**os.environ, "PYTHONPATH": str(ROOT / "bench" / "untooled") if untooled else ""}
    done = subprocess.run(
        [sys.executable, "-c", UNTOOLED_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["200", str(journaled)]
