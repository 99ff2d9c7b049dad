"""`make bench`'s scaling figures: requests per second through nginx (deploy/nginx/) with 1 and 2 workers, on
sandboxes spread by the hash; what a sandbox creation costs through the proxy; and what killing one worker does to
the sandboxes of the others. Results go under ``results["scaling"]``; docs/scaling.md quotes them.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench.cluster import Cluster, cpu_seconds

ITEM = "/merchantpro/demo/api/v2/inventory/id/10001"
MP_AUTH = ("demo-api-key", "demo-api-secret")
# Enough names that the share each worker gets is the hash ring's, not the luck of a few draws.
SANDBOXES = 64
Load = Callable[..., dict[str, float]]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _sandboxes(front: httpx.Client, count: int) -> list[str]:
    names = [f"bench-{uuid.uuid4().hex[:8]}" for _ in range(count)]
    for name in names:
        front.put(f"/_sim/sandboxes/{name}").raise_for_status()
    return names


def _throughput(load: Load, workers: int, seconds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as state, Cluster(workers, Path(state)) as cluster:
        with httpx.Client(base_url=cluster.front_url, trust_env=False, headers=cluster.headers) as front:
            names = _sandboxes(front, SANDBOXES)
            spread = {w.name: sum(cluster.shard_of(n, front) is w for n in names) for w in cluster.workers}
        auth = httpx.BasicAuth(*MP_AUTH)._auth_header
        headers = {"Authorization": auth, "Content-Type": "application/json"}
        paths = [f"/sandboxes/{name}{ITEM}" for name in names]
        pids = cluster.processes()

        def measured(*args: Any, **kwargs: Any) -> dict[str, float]:
            # CPU time per request, besides the rate: what capacity planning needs, and much less disturbed than
            # the rate by whatever else the machine runs at the time.
            before = {k: cpu_seconds(v) for k, v in pids.items()}
            found = load(*args, **kwargs)
            requests = found["rps"] * seconds
            for k, v in pids.items():
                found[f"{k}_cpu_ms"] = (cpu_seconds(v) - before[k]) / requests * 1e3
            return found

        get = measured(cluster.front_url + paths[0], headers=headers, seconds=seconds, paths=paths)
        patch = measured(
            cluster.front_url + paths[0], "PATCH", '{"stock": {"adjust_by": 1}}', headers, seconds=seconds, paths=paths
        )
        found = {"get": get, "patch": patch, "spread": spread}
        if workers == 1:  # the same load straight to the worker: what the proxy costs
            found["direct_get"] = load(cluster.workers[0].url + paths[0], headers=headers, seconds=seconds, paths=paths)
    return found


def _creation(cluster: Cluster, n: int = 60) -> dict[str, float]:
    """Median PUT /_sim/sandboxes/{name} of a new name: through the front, and straight to the worker it lands on."""
    through, direct = [], []
    with (
        httpx.Client(base_url=cluster.front_url, trust_env=False, headers=cluster.headers) as front,
        httpx.Client(trust_env=False, headers=cluster.headers) as c,
    ):
        for i in range(n):
            name = f"create-{uuid.uuid4().hex[:8]}"
            t0 = time.perf_counter()
            front.put(f"/_sim/sandboxes/{name}").raise_for_status()
            through.append(time.perf_counter() - t0)
            worker = cluster.shard_of(name, front)
            other = f"{name}-direct"
            t0 = time.perf_counter()
            c.put(f"{worker.url}/_sim/sandboxes/{other}").raise_for_status()
            direct.append(time.perf_counter() - t0)
            if i < 5:  # warm-up
                through.pop(), direct.pop()
    return {"through_ms": statistics.median(through) * 1e3, "direct_ms": statistics.median(direct) * 1e3}


def _loss(cluster: Cluster, window: float = 3.0) -> dict[str, Any]:
    """One client per surviving worker's sandboxes, sending one request after another for ``window`` seconds
    before and after SIGKILL of another worker: latencies and failures of the survivors' sandboxes, and how the
    dead worker's sandboxes answer."""
    with httpx.Client(base_url=cluster.front_url, trust_env=False, timeout=10, headers=cluster.headers) as front:
        names = _sandboxes(front, SANDBOXES)
        home = cluster.shard_of("default", front)
        victim = next(w for w in cluster.workers if w is not home)
        theirs = [n for n in names if cluster.shard_of(n, front) is victim]
        others = [n for n in names if n not in theirs]
    phase = {"now": "before"}
    seen: dict[str, list[tuple[float, int]]] = {"before": [], "after": []}
    stop = threading.Event()

    def hammer() -> None:
        with httpx.Client(base_url=cluster.front_url, trust_env=False, timeout=10, auth=MP_AUTH) as client:
            turn = 0
            while not stop.is_set():
                name = others[turn % len(others)]
                turn += 1
                t0 = time.perf_counter()
                try:
                    status = client.get(f"/sandboxes/{name}{ITEM}").status_code
                except httpx.HTTPError:
                    status = 0
                seen[phase["now"]].append((time.perf_counter() - t0, status))

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(window)
    victim.kill()
    killed = time.perf_counter()
    phase["now"] = "after"
    with httpx.Client(base_url=cluster.front_url, trust_env=False, timeout=10, auth=MP_AUTH) as client:
        t0 = time.perf_counter()
        dead_status = client.get(f"/sandboxes/{theirs[0]}{ITEM}").status_code if theirs else None
        dead_ms = (time.perf_counter() - t0) * 1e3
    time.sleep(max(0.0, window - (time.perf_counter() - killed)))
    stop.set()
    for t in threads:
        t.join()
    t0 = time.perf_counter()
    cluster.restart(victim)
    back_s = time.perf_counter() - t0

    def summary(rows: list[tuple[float, int]]) -> dict[str, float]:
        times = [t for t, _ in rows]
        return {
            "requests": len(rows),
            "failed": sum(status != 200 for _, status in rows),
            "p50_ms": _percentile(times, 0.5) * 1e3,
            "p99_ms": _percentile(times, 0.99) * 1e3,
            "rps": len(rows) / window,
        }

    return {
        "workers": len(cluster.workers),
        "victim_sandboxes": len(theirs),
        "other_sandboxes": len(others),
        "before": summary(seen["before"]),
        "after": summary(seen["after"]),
        "dead_sandbox_status": dead_status,
        "dead_sandbox_ms": dead_ms,
        "restart_s": back_s,
    }


def _best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per measure, the run with the most requests per second: on a machine shared with other work, the one least
    disturbed by it (every run is kept under ``runs``)."""
    best = {kind: max((r[kind] for r in runs), key=lambda m: m["rps"]) for kind in runs[0] if kind != "spread"}
    return {**best, "spread": runs[0]["spread"], "runs": runs}


def bench_scaling(results: dict[str, Any], seconds: int, load: Load, rounds: int = 3) -> None:
    """``rounds`` rounds of one 1-worker and one 2-worker cluster each, alternating, so that a burst of other work
    on the machine disturbs both alike; each figure is its best round's."""
    runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
    for _ in range(rounds):
        for workers in runs:
            runs[workers].append(_throughput(load, workers, seconds))
    scaling: dict[str, Any] = {str(n): _best(found) for n, found in runs.items()}
    with tempfile.TemporaryDirectory() as state, Cluster(3, Path(state)) as cluster:
        scaling["create"] = _creation(cluster)
        scaling["loss"] = _loss(cluster)
    results["scaling"] = scaling


def table(results: dict[str, Any]) -> str:
    s = results["scaling"]
    one, two = s["1"], s["2"]
    lines = [f"{'through nginx, sandboxes spread by the hash':<44}{'1 worker':>14}{'2 workers':>14}{'ratio':>9}"]
    for kind in ("get", "patch"):
        lines.append(
            f"{kind.upper() + ' rps (32 conns)':<44}{one[kind]['rps']:>14.0f}{two[kind]['rps']:>14.0f}"
            f"{two[kind]['rps'] / one[kind]['rps']:>9.2f}"
        )
        lines.append(
            f"{kind.upper() + ' p99 ms (32 conns)':<44}{one[kind]['p99_ms']:>14.2f}{two[kind]['p99_ms']:>14.2f}"
            f"{two[kind]['p99_ms'] / one[kind]['p99_ms']:>9.2f}"
        )
    for kind in ("get", "patch"):
        for who in ("workers", "nginx"):
            lines.append(
                f"{kind.upper() + ' CPU ms per request, ' + who:<44}{one[kind][who + '_cpu_ms']:>14.3f}"
                f"{two[kind][who + '_cpu_ms']:>14.3f}"
            )
    direct = one["direct_get"]
    lines.append(f"{'GET rps, 1 worker without the proxy':<44}{direct['rps']:>14.0f}")
    spread = "; ".join("/".join(str(v) for v in run["spread"].values()) for run in two["runs"])
    lines.append(f"(best of {len(one['runs'])} rounds each)")
    c = s["create"]
    loss = s["loss"]
    before, after = loss["before"], loss["after"]
    lines += [
        f"(2 workers: {SANDBOXES} sandboxes spread {spread} by each round's ring)",
        f"{'create sandbox ms (PUT), through / direct':<44}{c['through_ms']:>14.2f}{c['direct_ms']:>14.2f}"
        f"{c['through_ms'] / c['direct_ms']:>9.2f}",
        f"worker loss, 3 workers, one killed: the other {loss['other_sandboxes']} sandboxes, "
        f"{before['requests']} requests before / {after['requests']} after",
        f"{'  failed requests':<44}{before['failed']:>14}{after['failed']:>14}",
        f"{'  p50 ms':<44}{before['p50_ms']:>14.2f}{after['p50_ms']:>14.2f}",
        f"{'  p99 ms':<44}{before['p99_ms']:>14.2f}{after['p99_ms']:>14.2f}",
        f"  the dead worker's {loss['victim_sandboxes']} sandboxes: {loss['dead_sandbox_status']} in "
        f"{loss['dead_sandbox_ms']:.1f} ms; restarted on its --db and answering in {loss['restart_s']:.2f} s",
    ]
    return "\n".join(lines)
