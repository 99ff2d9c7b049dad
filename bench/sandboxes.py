"""`make bench`'s sandbox section: creating, resetting and seeding sandboxes of 10k and 100k MerchantPro products,
each against one PATCH on the same client; and a 1,000-item i.LEVEL batch against a single-item one."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

import httpx

from bench.harness import free_port, median_seconds, server
from bench.throughput import MP_AUTH, simulator

ITEM = "/merchantpro/demo/api/v2/inventory/sku/WMY71443LB2"


def big_scenario(path: Path, count: int, seed: int = 1) -> Path:
    path.write_text(
        "name: bench\nmerchantpro:\n  shops:\n"
        "    - name: demo\n      api_key: demo-api-key\n      api_secret: demo-api-secret\n"
        "      products:\n        - {id: 10001, sku: WMY71443LB2, stock: 10, price_gross: 1700.00}\n"
        f"      generate: {{count: {count}, seed: {seed}}}\n"
    )
    return path


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


def table(results: dict[str, Any]) -> str:
    lines = [f"{'sandboxes (same client)':<44}{'simulator':>14}{'1 PATCH':>14}{'ratio':>9}"]
    for count, row in results["sandboxes"].items():
        lines += [
            f"{'create sandbox ms, ' + count + ' products':<44}{row['create_ms']:>14.2f}{row['patch_ms']:>14.2f}"
            f"{row['create_ratio']:>9.2f}",
            f"{'reset sandbox ms, ' + count + ' products':<44}{row['reset_ms']:>14.2f}{row['patch_ms']:>14.2f}"
            f"{row['reset_ratio']:>9.2f}",
            f"{'scenario load products/s, ' + count:<44}{row['load_products_per_s']:>14.0f}",
        ]
    return "\n".join(lines)


def extra_table(results: dict[str, Any]) -> str:
    lines = [f"{'single figures, ms':<52}{'value':>10}{'baseline':>10}{'ratio':>9}"]
    for name, extra in results["extra"].items():
        lines.append(f"{name:<52}{extra['value']:>10.2f}{extra['baseline']:>10.2f}{extra['ratio']:>9.2f}")
        if "pytest_without_sandbox_ms" in extra:
            lines.append(f"{'  of which pytest alone (no fixture), ms':<52}{extra['pytest_without_sandbox_ms']:>10.2f}")
    return "\n".join(lines)
