"""`make bench`: the simulator measured beside a baseline in the same run, reported as ratios.

Servers are started the way users start them (``stocksim serve`` and ``uvicorn`` in their own processes), the
load comes from wrk (a C load generator, so the client is not the bottleneck), and single-request latencies from
one keep-alive Python client used the same way for the numerator and the denominator of each ratio.
Prints a table and writes bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench import scaling

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MP_AUTH = ("demo-api-key", "demo-api-secret")
ITEM = "/merchantpro/demo/api/v2/inventory/sku/WMY71443LB2"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def server(argv: list[str], port: int, env: dict[str, str] | None = None) -> Iterator[float]:
    """Start a server process; yield the seconds from spawn to its first 200 on /_sim/health."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        url = f"http://127.0.0.1:{port}/_sim/health"
        while True:
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"{argv[0]} exited: {proc.stderr.read() if proc.stderr else ''}")
            if time.perf_counter() - started > 120:
                raise RuntimeError("server did not start in 120 s")
            time.sleep(0.005)
        yield time.perf_counter() - started
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def simulator(port: int, scenario: Path | None = None) -> list[str]:
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


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk not found: installing Debian's package (apt-get)...", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def wrk(
    url: str,
    method: str = "GET",
    body: str = "",
    headers: dict[str, str] | None = None,
    seconds: int = 5,
    connections: int = 32,
    paths: list[str] | None = None,
) -> dict[str, float]:
    """``paths``: the requests go to these paths of ``url``'s server in turn instead of to ``url`` itself."""
    lua = [f'wrk.method = "{method}"']
    if body:
        lua.append(f"wrk.body = [[{body}]]")
    for name, value in (headers or {}).items():
        lua.append(f'wrk.headers["{name}"] = "{value}"')
    if paths:
        lua.append("paths = {" + ", ".join(f'"{path}"' for path in paths) + "}\nturn = 0")
        lua.append("request = function()\n  turn = turn % #paths + 1\n  return wrk.format(nil, paths[turn])\nend")
    lua.append(
        "done = function(summary, latency, requests)\n"
        "  io.write(string.format('NON2XX %d\\n', summary.errors.status))\nend"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write("\n".join(lua) + "\n")
    try:
        out = subprocess.run(
            [WRK, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", f.name, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    non2xx = int(re.search(r"NON2XX (\d+)", out).group(1))  # type: ignore[union-attr]
    if non2xx:
        raise RuntimeError(f"{non2xx} responses were not 2xx for {method} {url}")
    return {"rps": rps, "p99_ms": float(p99.group(1)) * _UNITS[p99.group(2)] if p99 else float("nan")}


def median_seconds(op: Callable[[], httpx.Response], n: int, expect: int = 200) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = op()
        times.append(time.perf_counter() - t0)
        if r.status_code != expect:
            raise RuntimeError(f"unexpected {r.status_code}: {r.text[:300]}")
    return statistics.median(times)


def big_scenario(path: Path, count: int, seed: int = 1) -> Path:
    path.write_text(
        "name: bench\nmerchantpro:\n  shops:\n"
        "    - name: demo\n      api_key: demo-api-key\n      api_secret: demo-api-secret\n"
        "      products:\n        - {id: 10001, sku: WMY71443LB2, stock: 10, price_gross: 1700.00}\n"
        f"      generate: {{count: {count}, seed: {seed}}}\n"
    )
    return path


def bench_throughput(results: dict[str, Any], seconds: int) -> None:
    port_b, port_s = free_port(), free_port()
    with server(baseline(port_b), port_b):
        base_get = wrk(f"http://127.0.0.1:{port_b}/item", seconds=seconds)
        base_patch = wrk(
            f"http://127.0.0.1:{port_b}/item",
            "PATCH",
            '{"stock": {"adjust_by": 1}}',
            {"Content-Type": "application/json"},
            seconds=seconds,
        )
    auth = httpx.BasicAuth(*MP_AUTH)._auth_header
    headers = {"Authorization": auth, "Content-Type": "application/json"}
    with server(simulator(port_s), port_s):
        url = f"http://127.0.0.1:{port_s}{ITEM}"
        sim_get = wrk(url, headers=headers, seconds=seconds)
        sim_patch = wrk(url, "PATCH", '{"stock": {"adjust_by": 1}}', headers, seconds=seconds)
        final = httpx.get(url, auth=MP_AUTH).json()["stock"]
    results["throughput"] = {
        "baseline_get": base_get,
        "baseline_patch": base_patch,
        "get": sim_get,
        "patch": sim_patch,
        "get_ratio": sim_get["rps"] / base_get["rps"],
        "patch_ratio": sim_patch["rps"] / base_patch["rps"],
        "patch_stock_after": final,
    }


def bench_sandboxes(results: dict[str, Any], sizes: list[int], tmp: Path) -> None:
    rows = {}
    for count in sizes:
        scenario = big_scenario(tmp / f"bench-{count}.yaml", count)
        port = free_port()
        with server(simulator(port, scenario), port), httpx.Client(base_url=f"http://127.0.0.1:{port}") as c:

            def patch(prefix: str = "") -> httpx.Response:
                return c.patch(prefix + ITEM, json={"stock": {"adjust_by": 1}}, auth=MP_AUTH)

            resets: list[float] = []

            def write_then_reset(resets: list[float] = resets) -> httpx.Response:
                for _ in range(3):
                    patch()
                t0 = time.perf_counter()
                r = c.post("/_sim/reset")
                resets.append(time.perf_counter() - t0)
                return r

            one_patch = median_seconds(patch, 200)
            create = median_seconds(lambda: c.post("/_sim/sandboxes", json={}), 50, expect=201)
            median_seconds(write_then_reset, 50)
            reset = statistics.median(resets)
            # Scenario load: a scenario the server has not seen (new seed) is validated and seeded on POST.
            text = big_scenario(tmp / "fresh.yaml", count, seed=2).read_text()
            t0 = time.perf_counter()
            r = c.post("/_sim/sandboxes", content=text, headers={"Content-Type": "application/yaml"}, timeout=300)
            load = time.perf_counter() - t0
            assert r.status_code == 201, r.text
        rows[str(count)] = {
            "patch_ms": one_patch * 1e3,
            "create_ms": create * 1e3,
            "reset_ms": reset * 1e3,
            "create_ratio": create / one_patch,
            "reset_ratio": reset / one_patch,
            "load_s": load,
            "load_products_per_s": (count + 1) / load,
        }
    results["sandboxes"] = rows


def bench_cold_start(results: dict[str, Any], runs: int) -> None:
    sim, bare = [], []
    for _ in range(runs):
        port = free_port()
        with server(baseline(port), port) as t:
            bare.append(t)
        port = free_port()
        with server(simulator(port), port) as t:
            sim.append(t)
    results["cold_start"] = {
        "simulator_s": statistics.median(sim),
        "baseline_s": statistics.median(bare),
        "ratio": statistics.median(sim) / statistics.median(bare),
    }


def table(results: dict[str, Any]) -> str:
    t = results["throughput"]
    lines = [
        f"{'measure':<44}{'simulator':>14}{'baseline':>14}{'ratio':>9}",
        f"{'GET rps (32 conns)':<44}{t['get']['rps']:>14.0f}{t['baseline_get']['rps']:>14.0f}{t['get_ratio']:>9.2f}",
        f"{'PATCH adjust_by rps (32 conns)':<44}{t['patch']['rps']:>14.0f}{t['baseline_patch']['rps']:>14.0f}"
        f"{t['patch_ratio']:>9.2f}",
        f"{'GET p99 ms (32 conns)':<44}{t['get']['p99_ms']:>14.2f}{t['baseline_get']['p99_ms']:>14.2f}"
        f"{t['get']['p99_ms'] / t['baseline_get']['p99_ms']:>9.2f}",
        f"{'PATCH p99 ms (32 conns)':<44}{t['patch']['p99_ms']:>14.2f}{t['baseline_patch']['p99_ms']:>14.2f}"
        f"{t['patch']['p99_ms'] / t['baseline_patch']['p99_ms']:>9.2f}",
    ]
    for count, row in results["sandboxes"].items():
        lines += [
            f"{'create sandbox ms, ' + count + ' products':<44}{row['create_ms']:>14.2f}{row['patch_ms']:>14.2f}"
            f"{row['create_ratio']:>9.2f}",
            f"{'reset sandbox ms, ' + count + ' products':<44}{row['reset_ms']:>14.2f}{row['patch_ms']:>14.2f}"
            f"{row['reset_ratio']:>9.2f}",
            f"{'scenario load products/s, ' + count:<44}{row['load_products_per_s']:>14.0f}{'':>14}{'':>9}",
        ]
    c = results["cold_start"]
    lines.append(
        f"{'cold start to first 200, s':<44}{c['simulator_s']:>14.3f}{c['baseline_s']:>14.3f}{c['ratio']:>9.2f}"
    )
    for name, extra in results.get("extra", {}).items():
        lines.append(f"{name:<44}{extra['value']:>14.2f}{extra['baseline']:>14.2f}{extra['ratio']:>9.2f}")
    lines.append("(create/reset baseline column: one MerchantPro PATCH, ms, same client; ratio = simulator/baseline)")
    return "\n".join(lines)


ILEVEL_WAREHOUSE = "0123456789ABCDEF0123456789ABCDEF"
ILEVEL_SCENARIO = f"""
ilevel:
  tenants:
    - name: bench
      username: bench-user
      api_key: bench-key
      warehouses: [{{id: {ILEVEL_WAREHOUSE}, name: Bench}}]
      generate: {{count: 1000, seed: 1}}
"""


def bench_ilevel_batch(results: dict[str, Any], tmp: Path) -> None:
    """One 1,000-item batchStock against one single-item batchStock: median latency, same client, same server."""
    scenario = tmp / "ilevel.yaml"
    scenario.write_text(ILEVEL_SCENARIO)
    port = free_port()
    url = f"/ilevel/bench/api/batchStock?warehouse_id={ILEVEL_WAREHOUSE}"
    with (
        server(simulator(port, scenario), port),
        httpx.Client(base_url=f"http://127.0.0.1:{port}", auth=("bench-user", "bench-key")) as c,
    ):
        # Every request changes every row it names (inStock cycles), so no write is a no-op.
        bodies = [
            [
                json.dumps(
                    {
                        "batchStock": {
                            "item": [{"code": f"GEN-{n:07d}", "inStock": i * 7 + n % 5} for n in range(1, size + 1)]
                        }
                    }
                ).encode()
                for i in range(10)
            ]
            for size in (1, 1000)
        ]
        counter = iter(range(10**9))

        def send(size_index: int) -> httpx.Response:
            r = c.post(
                url, content=bodies[size_index][next(counter) % 10], headers={"Content-Type": "application/json"}
            )
            if r.status_code == 200 and r.json() != {"allPassed": True, "results": []}:
                raise RuntimeError(r.text[:300])
            return r

        for _ in range(5):
            send(0), send(1)
        single = median_seconds(lambda: send(0), 200)
        batch = median_seconds(lambda: send(1), 50)
    results.setdefault("extra", {})["i.LEVEL 1,000-item batch ms (vs 1 item)"] = {
        "value": batch * 1e3,
        "baseline": single * 1e3,
        "ratio": batch / single,
    }


PLUGIN_TESTS = """
import pytest


@pytest.mark.parametrize("i", range({n}))
def test_sandbox(stock_sandbox, i):
    pass


@pytest.mark.parametrize("i", range({n}))
def test_no_sandbox(stock_simulator, i):
    pass
"""
PLUGIN_CONFTEST = """
import json
import os

DURATIONS = {}


def pytest_runtest_logreport(report):
    if report.when in ("setup", "teardown"):
        DURATIONS[report.nodeid] = DURATIONS.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session):
    with open(os.environ["BENCH_DURATIONS"], "w") as f:
        json.dump(DURATIONS, f)
"""


def bench_plugin(results: dict[str, Any], tmp: Path, n: int = 300) -> None:
    """The pytest plugin's cost per test: set-up plus tear-down of ``stock_sandbox`` (create and delete a sandbox
    through the plugin's own fixture, as pytest runs it, in a pytest process of its own), median over ``n`` tests
    that send no request; against one bare POST /_sim/sandboxes + DELETE on a reused client, same server.
    The same run times ``n`` tests without the fixture: pytest's own share of the figure."""
    project = tmp / "plugin"
    project.mkdir()
    (project / "test_overhead.py").write_text(PLUGIN_TESTS.format(n=n))
    (project / "conftest.py").write_text(PLUGIN_CONFTEST)
    durations = tmp / "durations.json"
    port = free_port()
    with server(simulator(port), port):
        url = f"http://127.0.0.1:{port}"
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(project)],
            cwd=project,
            env={**os.environ, "STOCKSIM_URL": url, "BENCH_DURATIONS": str(durations)},
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            raise RuntimeError(f"the plugin's pytest run failed:\n{run.stdout}{run.stderr}")
        with httpx.Client(base_url=url) as c:

            def create_delete() -> httpx.Response:
                name = c.post("/_sim/sandboxes", json={}).json()["name"]
                return c.delete(f"/_sim/sandboxes/{name}")

            for _ in range(10):
                create_delete()
            bare = median_seconds(create_delete, n, expect=204)
    measured = json.loads(durations.read_text())
    # The first test's set-up also starts the session (the plugin's pool, the health check).
    per_test = statistics.median([v for k, v in measured.items() if "::test_sandbox[" in k][1:])
    pytest_alone = statistics.median([v for k, v in measured.items() if "::test_no_sandbox[" in k])
    results.setdefault("extra", {})["pytest stock_sandbox per test ms (vs POST+DELETE)"] = {
        "value": per_test * 1e3,
        "baseline": bare * 1e3,
        "ratio": per_test / bare,
        # pytest's own set-up and tear-down of a test that uses only the session fixture: part of `value`.
        "pytest_without_sandbox_ms": pytest_alone * 1e3,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per measurement")
    parser.add_argument("--sizes", default="10000,100000", help="catalog sizes for sandbox create/reset")
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "latest.json"))
    parser.add_argument("--only", help=f"comma-separated sections to run, of: {', '.join(SECTIONS)}")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else set(SECTIONS)
    if only - set(SECTIONS):
        parser.error(f"--only: unknown sections {', '.join(sorted(only - set(SECTIONS)))}")
    global WRK
    WRK = ensure_wrk()
    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    with tempfile.TemporaryDirectory() as tmp:
        if "throughput" in only:
            bench_throughput(results, args.seconds)
        if "sandboxes" in only:
            bench_sandboxes(results, [int(s) for s in args.sizes.split(",")], Path(tmp))
        if "cold_start" in only:
            bench_cold_start(results, args.cold_runs)
        if "ilevel" in only:
            bench_ilevel_batch(results, Path(tmp))
        if "plugin" in only:
            bench_plugin(results, Path(tmp))
        if "scaling" in only:
            scaling.bench_scaling(results, args.seconds, wrk)
    if only >= {"throughput", "sandboxes", "cold_start"}:
        print(table(results))
    if "scaling" in only:
        print(scaling.table(results))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2))
    print(f"wrote {args.out}")
    return 0


WRK = "wrk"
SECTIONS = ("throughput", "sandboxes", "cold_start", "ilevel", "plugin", "scaling")

if __name__ == "__main__":
    sys.exit(main())
