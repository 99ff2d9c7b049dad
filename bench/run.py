"""`make bench`: the simulator measured beside baselines in the same run, reported as ratios, judged on issue 14's
targets.

Servers are started the way users start them (``stocksim serve`` and ``uvicorn`` in their own processes), the
load comes from wrk (a C load generator, so the client is not the bottleneck), and single-request latencies from
one keep-alive Python client used the same way for the numerator and the denominator of each ratio.
Sections (``--only`` picks some): throughput (bench/throughput.py; with ``--peers`` WireMock too, bench/peers.py),
instructions (the same two calls counted by callgrind, bench/instructions.py),
cold_start, catalog (random-item lookups and writes at 1k, 100k, 1M items, bench/catalog.py), sandboxes and ilevel
(bench/sandboxes.py), plugin (bench/plugin.py), scaling (bench/scaling.py).
Prints the machine, the versions, the number of runs, the tables and each target met or not; writes
bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import catalog, instructions, peers, plugin, sandboxes, scaling, targets, throughput
from bench.harness import ROOT, Wrk

SECTIONS = ("throughput", "instructions", "cold_start", "catalog", "sandboxes", "ilevel", "plugin", "scaling")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per figure")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each throughput and catalog figure (>= 3)")
    parser.add_argument("--peers", action="store_true", help="also measure WireMock on the same two calls")
    parser.add_argument("--sizes", default="10000,100000", help="catalog sizes for sandbox create/reset")
    parser.add_argument(
        "--catalog-sizes", default="1000,100000,1000000", help="items per vendor for the random-item lookups"
    )
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "latest.json"))
    parser.add_argument("--only", help=f"comma-separated sections to run, of: {', '.join(SECTIONS)}")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else set(SECTIONS)
    if only - set(SECTIONS):
        parser.error(f"--only: unknown sections {', '.join(sorted(only - set(SECTIONS)))}")
    wrk = Wrk()
    info = targets.machine()
    info["tools"] = {"wrk": wrk.version()}
    if args.peers:
        info["tools"].update(peers.versions())
    command = "make bench" + (" PEERS=1" if args.peers else "")
    results: dict[str, Any] = {
        "command": command,
        "machine": info,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    started = time.perf_counter()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        sections: dict[str, Callable[[], None]] = {
            "throughput": lambda: throughput.bench_throughput(results, wrk, args.seconds, args.rounds, args.peers),
            "instructions": lambda: instructions.bench_instructions(results),
            "cold_start": lambda: throughput.bench_cold_start(results, args.cold_runs),
            "catalog": lambda: catalog.bench_catalog(
                results, [int(s) for s in args.catalog_sizes.split(",")], args.rounds
            ),
            "sandboxes": lambda: sandboxes.bench_sandboxes(results, [int(s) for s in args.sizes.split(",")], Path(tmp)),
            "ilevel": lambda: sandboxes.bench_ilevel_batch(results, Path(tmp)),
            "plugin": lambda: plugin.bench_plugin(results, Path(tmp)),
            "scaling": lambda: scaling.bench_scaling(results, args.seconds, wrk),
        }
        for name, run in sections.items():
            if name not in only:
                continue
            print(f"{name}...", flush=True)
            try:
                run()
            except Exception:  # one section's failure must not lose the others' figures
                traceback.print_exc()
                results.setdefault("failed", {})[name] = traceback.format_exc(limit=3)
            out.write_text(json.dumps(results, indent=2))
    info["load_average_at_end"] = os.getloadavg()
    results["seconds"] = time.perf_counter() - started
    print(report(results))
    out.write_text(json.dumps(results, indent=2))
    print(f"wrote {args.out}")
    return 1 if results.get("failed") else 0


def report(results: dict[str, Any]) -> str:
    parts = [
        f"{results['command']} at {results['when']}, {results['seconds']:.0f} s",
        targets.describe(results["machine"]),
    ]
    if "throughput" in results or "cold_start" in results:
        parts.append(throughput.table(results))
    if "instructions" in results:
        parts.append(instructions.table(results))
    if "catalog" in results:
        parts.append(catalog.table(results))
    if "sandboxes" in results:
        parts.append(sandboxes.table(results))
    if "extra" in results:
        parts.append(sandboxes.extra_table(results))
    if "scaling" in results:
        parts.append(scaling.table(results))
    if "failed" in results:
        parts.append("FAILED sections (traceback above): " + ", ".join(results["failed"]))
    judged = targets.judge(results)
    if judged:
        parts.append(targets.table(judged))
    return "\n\n".join(parts)


if __name__ == "__main__":
    sys.exit(main())
