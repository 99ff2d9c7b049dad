"""Another server stack, measured side by side: the simulator and the bare baseline under uvicorn (what
``stocksim serve`` runs) and under granian (a Rust HTTP server for ASGI apps), with the same wrk load as
``make bench``'s throughput section, rounds interleaved, ratios taken within each round.

``python -m bench.stacks`` installs the pinned granian into .tools/granian (uv, --target) when it is missing; it is
not a dependency of the simulator, whose faults (reset, drop, hang, truncate) reach uvicorn's transport
(simulator/toolkit/sockets.py) and have no counterpart under granian. The figures say whether a switch would be
worth that loss; docs/performance.md has the latest.
"""

from __future__ import annotations

import argparse
import os
import statistics
from contextlib import ExitStack
from typing import Any

import httpx
from starlette.applications import Starlette

from bench.harness import BIN, ROOT, Wrk, free_port, server, tool_install
from bench.throughput import CALLS, ITEM, MP_AUTH, SCENARIO, _load, baseline, simulator

GRANIAN_VERSION = "2.8.9"
GRANIAN_DIR = ROOT / ".tools" / "granian"


def simulator_app() -> Starlette:
    """The app ``stocksim serve`` runs on the bench's scenario (granian's --factory target)."""
    from simulator.app import create_app
    from simulator.config import Settings

    return create_app(Settings(scenario=str(SCENARIO), log_level="warning"))


def ensure_granian() -> None:
    tool_install("granian", GRANIAN_VERSION)
    # granian's own dependency is click, which the locked environment already has.


def granian(target: str, port: int, factory: bool = False) -> list[str]:
    return [
        str(BIN / "python"),
        "-m",
        "granian",
        "--interface",
        "asgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--loop",
        "uvloop",
        "--log-level",
        "warning",
        "--no-ws",
        *(["--factory"] if factory else []),
        target,
    ]


def measure(seconds: int, rounds: int) -> dict[str, Any]:
    ensure_granian()
    wrk = Wrk()
    sim_headers = {"Authorization": httpx.BasicAuth(*MP_AUTH)._auth_header, "Content-Type": "application/json"}
    bare_headers = {"Content-Type": "application/json"}
    env = {"PYTHONPATH": os.pathsep.join([str(GRANIAN_DIR), str(ROOT)])}
    ports = {name: free_port() for name in ("bare", "simulator", "bare_granian", "simulator_granian")}
    argv = {
        "bare": (baseline(ports["bare"]), None),
        "simulator": (simulator(ports["simulator"]), None),
        "bare_granian": (granian("bench.baseline:app", ports["bare_granian"]), env),
        "simulator_granian": (granian("bench.stacks:simulator_app", ports["simulator_granian"], factory=True), env),
    }
    targets = {
        name: (f"http://127.0.0.1:{ports[name]}{'/item' if name.startswith('bare') else ITEM}", headers)
        for name, headers in (
            ("bare", bare_headers),
            ("simulator", sim_headers),
            ("bare_granian", bare_headers),
            ("simulator_granian", sim_headers),
        )
    }
    with ExitStack() as stack:
        for name, (args, extra) in argv.items():
            stack.enter_context(server(args, ports[name], env=extra))
        for url, headers in targets.values():
            for call in CALLS:
                _load(wrk, url, headers, call, 2)
        measured = []
        for _ in range(rounds):
            row = {}
            for call in CALLS:
                for name, (url, headers) in targets.items():
                    row[(name, call)] = _load(wrk, url, headers, call, seconds)
            measured.append(row)
    out: dict[str, Any] = {"rounds": rounds, "servers": {}, "ratios": {}}
    for call in CALLS:
        for name in targets:
            out["servers"].setdefault(name, {})[call] = {
                "rps": statistics.median(r[(name, call)]["rps"] for r in measured),
                "p99_ms": statistics.median(r[(name, call)]["p99_ms"] for r in measured),
            }
            out["ratios"].setdefault(name, {})[call] = statistics.median(
                r[(name, call)]["rps"] / r[("bare", call)]["rps"] for r in measured
            )
    return out


def table(found: dict[str, Any]) -> str:
    lines = [
        f"wrk -t1 -c32, median of {found['rounds']} rounds       GET rps  x bare   p99 ms  PATCH rps  x bare   p99 ms"
    ]
    for name, calls in found["servers"].items():
        get, patch = calls["get"], calls["patch"]
        ratio = found["ratios"][name]
        lines.append(
            f"{name:32s} {get['rps']:9.0f} {ratio['get']:7.2f} {get['p99_ms']:8.2f}"
            f" {patch['rps']:10.0f} {ratio['patch']:7.2f} {patch['p99_ms']:8.2f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(table(measure(args.seconds, args.rounds)))


if __name__ == "__main__":
    main()
