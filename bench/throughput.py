"""`make bench`'s throughput and cold-start sections: the simulator beside a bare Starlette app on the same stack
(uvicorn, httptools, uvloop), and with ``peers`` beside WireMock, all in the same run.

Every server is up for the whole section; each round measures GET, then PATCH ``adjust_by``, on each server in turn
(wrk -t1 -c32), so a round's ratios compare figures taken seconds apart. The figures are the medians over rounds.
"""

from __future__ import annotations

import statistics
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from bench import peers as peer_servers
from bench.harness import BIN, ROOT, Wrk, free_port, server

MP_AUTH = ("demo-api-key", "demo-api-secret")
# By id: the path WireMock's stub matches is then exactly the path the simulator serves.
ITEM = "/merchantpro/demo/api/v2/inventory/id/10001"
SCENARIO = ROOT / "bench" / "scenarios" / "throughput.yaml"
PATCH_BODY = '{"stock": {"adjust_by": 1}}'
CALLS = ("get", "patch")


def simulator(port: int, scenario: Path | None = SCENARIO) -> list[str]:
    argv = [str(BIN / "stocksim"), "serve", "--port", str(port), "--log-level", "warning"]
    return argv + (["--scenario", str(scenario)] if scenario else [])


def baseline(port: int) -> list[str]:
    return [
        str(BIN / "uvicorn"),
        "bench.baseline:app",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]


def _load(wrk: Wrk, url: str, headers: dict[str, str], call: str, seconds: int) -> dict[str, float]:
    if call == "get":
        return wrk(url, headers=headers, seconds=seconds)
    return wrk(url, "PATCH", PATCH_BODY, headers, seconds=seconds)


def bench_throughput(results: dict[str, Any], wrk: Wrk, seconds: int, rounds: int, peers: bool) -> None:
    auth = httpx.BasicAuth(*MP_AUTH)._auth_header
    sim_headers = {"Authorization": auth, "Content-Type": "application/json"}
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        port_b, port_s = free_port(), free_port()
        stack.enter_context(server(baseline(port_b), port_b))
        stack.enter_context(server(simulator(port_s), port_s))
        sim_url = f"http://127.0.0.1:{port_s}{ITEM}"
        targets = {
            "bare": (f"http://127.0.0.1:{port_b}/item", {"Content-Type": "application/json"}),
            "simulator": (sim_url, sim_headers),
        }
        warm = {"bare": 2, "simulator": 2}
        if peers:
            body = httpx.get(sim_url, auth=MP_AUTH, trust_env=False).json()
            url, _ = stack.enter_context(peer_servers.wiremock(Path(tmp), peer_servers.stubs(ITEM, MP_AUTH, body)))
            targets["wiremock"] = (url + ITEM, sim_headers)
            warm["wiremock"] = 5  # each call: the JVM's JIT gets 10 s of load before the first figure
        stock_before = httpx.get(sim_url, auth=MP_AUTH, trust_env=False).json()["stock"]
        patches = 0.0
        for name, (url, headers) in targets.items():
            for call in CALLS:
                found = _load(wrk, url, headers, call, warm[name])
                patches += found["rps"] * warm[name] if name == "simulator" and call == "patch" else 0
        measured: list[dict[str, dict[str, float]]] = []
        for _ in range(rounds):
            row = {}
            for call in CALLS:
                for name, (url, headers) in targets.items():
                    row[f"{name}_{call}"] = found = _load(wrk, url, headers, call, seconds)
                    patches += found["rps"] * seconds if name == "simulator" and call == "patch" else 0
            measured.append(row)
        stock_after = httpx.get(sim_url, auth=MP_AUTH, trust_env=False).json()["stock"]
    results["throughput"] = summarize(measured, list(targets))
    # wrk's rate times its duration is close to, not exactly, the requests it completed: a sanity check only.
    results["throughput"]["patch_applied"] = {"stock_change": stock_after - stock_before, "estimated": round(patches)}


def summarize(measured: list[dict[str, dict[str, float]]], servers: list[str]) -> dict[str, Any]:
    """Medians over rounds: each server's rps and p99 per call, and each round's ratios (taken in that round)."""
    out: dict[str, Any] = {"rounds": len(measured), "servers": {}, "ratios": {}}
    for name in servers:
        out["servers"][name] = {
            call: {
                "rps": statistics.median(r[f"{name}_{call}"]["rps"] for r in measured),
                "p99_ms": statistics.median(r[f"{name}_{call}"]["p99_ms"] for r in measured),
            }
            for call in CALLS
        }
    for call in CALLS:
        sim = [r[f"simulator_{call}"] for r in measured]
        bare = [r[f"bare_{call}"] for r in measured]
        out["ratios"][f"{call}_rps_vs_bare"] = statistics.median(
            s["rps"] / b["rps"] for s, b in zip(sim, bare, strict=True)
        )
        out["ratios"][f"{call}_p99_vs_bare"] = statistics.median(
            s["p99_ms"] / b["p99_ms"] for s, b in zip(sim, bare, strict=True)
        )
        if "wiremock" in servers:
            wm = [r[f"wiremock_{call}"] for r in measured]
            out["ratios"][f"{call}_rps_vs_wiremock"] = statistics.median(
                s["rps"] / w["rps"] for s, w in zip(sim, wm, strict=True)
            )
            out["ratios"][f"{call}_p99_vs_wiremock"] = statistics.median(
                s["p99_ms"] / w["p99_ms"] for s, w in zip(sim, wm, strict=True)
            )
    return out


def bench_cold_start(results: dict[str, Any], runs: int) -> None:
    """Seconds from spawn to the first 200 on /_sim/health, alternating the bare app and the simulator."""
    sim, bare = [], []
    for _ in range(runs):
        port = free_port()
        with server(baseline(port), port) as t:
            bare.append(t)
        port = free_port()
        with server(simulator(port), port) as t:
            sim.append(t)
    results["cold_start"] = {
        "runs": runs,
        "simulator_s": statistics.median(sim),
        "baseline_s": statistics.median(bare),
        "ratio": statistics.median(s / b for s, b in zip(sim, bare, strict=True)),
    }


def _rates(t: dict[str, Any]) -> list[str]:
    servers = list(t["servers"])
    head = "".join(f"{name:>12}" for name in servers)
    extra = "  sim/wiremock" if "wiremock" in servers else ""
    lines = [
        f"{'MerchantPro, wrk -t1 -c32, median of ' + str(t['rounds']) + ' rounds':<44}{head}{'sim/bare':>10}{extra}"
    ]
    for call, label in (("get", "GET by id"), ("patch", "PATCH adjust_by")):
        for measure, unit, fmt in (("rps", "rps", ".0f"), ("p99", "p99 ms", ".2f")):
            key = "rps" if measure == "rps" else "p99_ms"
            cells = "".join(f"{t['servers'][name][call][key]:>12{fmt}}" for name in servers)
            line = f"{label + ' ' + unit:<44}{cells}{t['ratios'][f'{call}_{measure}_vs_bare']:>10.2f}"
            if extra:
                line += f"{t['ratios'][f'{call}_{measure}_vs_wiremock']:>14.2f}"
            lines.append(line)
    return lines


def table(results: dict[str, Any]) -> str:
    lines = _rates(results["throughput"]) if "throughput" in results else []
    c = results.get("cold_start")
    if c:
        lines.append(
            f"{'cold start to first 200 s, median of ' + str(c['runs']):<44}{c['baseline_s']:>12.3f}"
            f"{c['simulator_s']:>12.3f}{c['ratio']:>10.2f}"
        )
    return "\n".join(lines)
