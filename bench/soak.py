"""The soak: `stocksim serve` in a subprocess under minutes of mixed four-vendor load, watched for drift.

Workers cycle sandboxes (create, a fault rule that fires now and then, writes to all four vendors, a read-back
that checks every acknowledged write, delete) while two more write to the default sandbox for the whole run, so
its journal stays full. The server's resident memory is sampled from /proc; every request's latency is kept.
At the end: memory after the first minute stays within 10% of its level then, the last minute's p99 is within
1.5x of the second minute's, no acknowledged write is lost, no 5xx but the injected ones. Runs shorter than ten
minutes scale "a minute" to a tenth of the run. Exits non-zero when a check fails.

    python -m bench.soak [--seconds 600] [--workers 8] [--out bench/results/soak.json]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "soak.json"

MP_AUTH = {"Authorization": "Basic " + base64.b64encode(b"demo-api-key:demo-api-secret").decode()}
MP_ITEM = "/merchantpro/demo/api/v2/inventory/sku/WMY71443LB2"
MP_START = 10  # WMY71443LB2's stock in the default scenario
KC_IMPORT = "/ka-ching/imports/stock?account=demo-account&integration=demo-queue&apikey=demo-apikey&adjustment=true"
KC_LOCATION, KC_START = "stock_location_id", 3  # product1's count there in the default scenario
IL_WAREHOUSE = "1571945CAB99744086F9FDFC9D9332D5"
IL_VARIANT = "0A5EEDAF16F8D54486AB2AD7474B3994"
IL_IMPORT = f"/ilevel/demo/api/batchStock?warehouse_id={IL_WAREHOUSE}"
IL_AUTH = {"Authorization": "Basic " + base64.b64encode(b"demo:demo-ilevel-api-key").decode()}
CENTRA_STOCK = "/centra/demo/stock"
CENTRA_AUTH = {"API-Authorization": "demo-centra-api-token"}
CENTRA_EAN, CENTRA_ALLOCATED = "1234567890123", 2  # Centra raises a quantity below the allocated stock to it
WRITE_ROUNDS = 4  # rounds of one write per vendor in each cycled sandbox
STEADY_WORKERS = 2  # writers on the default sandbox for the whole run


@dataclass
class Thresholds:
    rss_growth: float = 0.10  # memory after the first minute: at most this much above its level then
    p99_ratio: float = 1.5  # the last minute's p99 against the second minute's


@dataclass
class Tally:
    """What the load saw; every field ends up in the report."""

    requests: int = 0
    sandboxes_cycled: int = 0
    acknowledged_writes: int = 0
    injected_503: int = 0
    fault_fired: int = 0
    unexpected_5xx: int = 0
    transport_errors: int = 0
    lost_writes: int = 0
    problems: list[str] = field(default_factory=list)
    latencies: list[tuple[float, float]] = field(default_factory=list)  # (seconds since start, seconds taken)
    by_kind: dict[str, list[float]] = field(default_factory=dict)  # seconds taken, by what the request was
    rss: list[tuple[float, int]] = field(default_factory=list)  # (seconds since start, VmRSS in kB)

    def problem(self, text: str) -> None:
        if len(self.problems) < 50:  # enough to diagnose, without a runaway report
            self.problems.append(text)


def _kind(method: str, path: str) -> str:
    """A request's kind for the latency breakdown: the control route, or the vendor and method."""
    parts = path.split("?")[0].strip("/").split("/")
    if parts[0] == "_sim":
        return f"{method} /_sim/{parts[1]}{'/NAME' if len(parts) > 2 else ''}"
    vendor = parts[2] if parts[0] == "sandboxes" else parts[0]
    return f"{method} {vendor}"


class Load:
    """Requests against one server, each timed and classified."""

    def __init__(self, client: httpx.AsyncClient, tally: Tally, started: float) -> None:
        self.client, self.tally, self.started = client, tally, started

    async def call(self, method: str, path: str, *, injectable: bool = False, **kwargs: Any) -> httpx.Response | None:
        """The response, or None when the connection failed (counted). A 503 where a fault rule may fire is the
        rule's; any other 5xx is counted as a failure."""
        begun = time.perf_counter()
        try:
            r = await self.client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            self.tally.transport_errors += 1
            self.tally.problem(f"{method} {path}: {type(exc).__name__}")
            return None
        self.tally.requests += 1
        took = time.perf_counter() - begun
        self.tally.latencies.append((begun - self.started, took))
        self.tally.by_kind.setdefault(_kind(method, path), []).append(took)
        if r.status_code == 503 and injectable:
            self.tally.injected_503 += 1
        elif r.status_code >= 500:
            self.tally.unexpected_5xx += 1
            self.tally.problem(f"{method} {path}: {r.status_code} {r.text[:200]}")
        return r


async def _state(load: Load, sandbox: str) -> dict[str, Any] | None:
    r = await load.call("GET", "/_sim/state", params={"sandbox": sandbox})
    if r is None or r.status_code != 200:
        load.tally.problem(f"state of {sandbox}: {None if r is None else r.status_code}")
        return None
    state: dict[str, Any] = r.json()
    return state


async def _settled_state(load: Load, sandbox: str) -> dict[str, Any] | None:
    """The sandbox's state once Ka-ching's queue has applied every acknowledged import (processing delay 0)."""
    for _ in range(100):
        state = await _state(load, sandbox)
        if state is None or state["ka-ching"]["accounts"]["demo-account"]["pending_imports"] == 0:
            return state
        await asyncio.sleep(0.05)
    load.tally.problem(f"{sandbox}: Ka-ching imports still pending after 5 s")
    return await _state(load, sandbox)


def _lost(tally: Tally, sandbox: str, what: str, expected: int, actual: Any) -> None:
    if actual != expected:
        tally.lost_writes += 1
        tally.problem(f"{sandbox}: {what} is {actual}, acknowledged writes say {expected}")


async def _cycle(load: Load, rng: random.Random, name: str) -> None:
    """One sandbox's life: created, faulted, written on all four vendors, checked, deleted."""
    base = f"/sandboxes/{name}"
    r = await load.call("POST", "/_sim/sandboxes", json={"name": name})
    if r is None or r.status_code != 201:
        load.tally.problem(f"create {name}: {None if r is None else r.status_code}")
        return
    rule = {
        "id": "soak-503",
        "match": {"vendor": "merchantpro", "method": "PATCH"},
        "when": {"probability": 0.1, "seed": rng.randrange(1 << 30)},
        "action": {"kind": "status", "status": 503},
    }
    r = await load.call("POST", "/_sim/faults", params={"sandbox": name}, json=rule)
    if r is None or r.status_code not in (200, 201):
        load.tally.problem(f"fault in {name}: {None if r is None else r.status_code}")
    mp, kc, il, centra = MP_START, KC_START, 5, 10
    for _ in range(WRITE_ROUNDS):
        step = rng.randint(1, 5)
        r = await load.call(
            "PATCH", base + MP_ITEM, injectable=True, headers=MP_AUTH, json={"stock": {"adjust_by": step}}
        )
        if r is not None and r.is_success:
            mp += step
            load.tally.acknowledged_writes += 1
        step = rng.randint(1, 5)
        r = await load.call("POST", base + KC_IMPORT, json={KC_LOCATION: {"product1": step}})
        if r is not None and r.is_success:
            kc += step
            load.tally.acknowledged_writes += 1
        value = rng.randint(0, 500)
        body = {"batchStock": {"item": [{"variant_id": IL_VARIANT, "inStock": value}]}}
        r = await load.call("POST", base + IL_IMPORT, headers=IL_AUTH, json=body)
        if r is not None and r.is_success and r.json().get("allPassed") is True:
            il = value
            load.tally.acknowledged_writes += 1
        value = rng.randint(CENTRA_ALLOCATED, 500)
        r = await load.call(
            "POST",
            base + CENTRA_STOCK,
            headers=CENTRA_AUTH,
            json={"products": [{"product": CENTRA_EAN, "quantity": value}]},
        )
        if r is not None and r.is_success and r.json().get("status") == "ok":
            centra = value
            load.tally.acknowledged_writes += 1
        await load.call("GET", base + MP_ITEM, headers=MP_AUTH)
    state = await _settled_state(load, name)
    if state is not None:
        products = state["merchantpro"]["shops"]["demo"]["products"]
        _lost(
            load.tally, name, "MerchantPro stock", mp, next(p["stock"] for p in products if p["sku"] == "WMY71443LB2")
        )
        account = state["ka-ching"]["accounts"]["demo-account"]
        _lost(load.tally, name, "Ka-ching count", kc, account["locations"][KC_LOCATION]["stock"]["product1"])
        rows = state["ilevel"]["tenants"]["demo"]["warehouses"][IL_WAREHOUSE]["stock"]
        _lost(
            load.tally, name, "i.LEVEL inStock", il, next(s["inStock"] for s in rows if s["variant_id"] == IL_VARIANT)
        )
        items = state["centra"]["plugins"]["demo"]["items"]
        _lost(
            load.tally,
            name,
            "Centra physicalStock",
            centra,
            next(i["physicalStock"] for i in items if i["ean"] == CENTRA_EAN),
        )
    r = await load.call("GET", "/_sim/faults", params={"sandbox": name})
    if r is not None and r.status_code == 200:
        load.tally.fault_fired += sum(f["fired"] for f in r.json()["faults"])
    r = await load.call("DELETE", f"/_sim/sandboxes/{name}")
    if r is None or r.status_code != 204:
        load.tally.problem(f"delete {name}: {None if r is None else r.status_code}")
    load.tally.sandboxes_cycled += 1


async def _cycler(load: Load, worker: int, until: float) -> None:
    rng = random.Random(worker)
    n = 0
    while time.monotonic() < until:
        await _cycle(load, rng, f"soak-{worker}-{n}")
        n += 1


async def _steady(load: Load, until: float, added: list[int]) -> None:
    """Writes to the default sandbox all run long: its journal stays full; their sum is checked at the end."""
    rng = random.Random(-1)
    while time.monotonic() < until:
        step = rng.randint(1, 3)
        r = await load.call("PATCH", MP_ITEM, headers=MP_AUTH, json={"stock": {"adjust_by": step}})
        if r is not None and r.is_success:
            added.append(step)
            load.tally.acknowledged_writes += 1
        await load.call("GET", "/_sim/journal", params={"limit": 5})


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


async def _sample_rss(pid: int, tally: Tally, started: float, until: float, every: float) -> None:
    while True:
        tally.rss.append((time.perf_counter() - started, _rss_kb(pid)))
        if time.monotonic() >= until:
            return
        await asyncio.sleep(min(every, max(0.0, until - time.monotonic())))


async def _drive(base: str, pid: int, seconds: float, workers: int, tally: Tally) -> dict[str, int]:
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30, trust_env=False) as client:
        started = time.perf_counter()
        until = time.monotonic() + seconds
        load = Load(client, tally, started)
        added: list[int] = []
        steady = min(STEADY_WORKERS, workers - 1)
        await asyncio.gather(
            _sample_rss(pid, tally, started, until, every=min(2.0, seconds / 20)),
            *(_cycler(load, w, until) for w in range(workers - steady)),
            *(_steady(load, until, added) for _ in range(steady)),
        )
        state = await _state(load, "default")
        if state is not None:
            products = state["merchantpro"]["shops"]["demo"]["products"]
            stock = next(p["stock"] for p in products if p["sku"] == "WMY71443LB2")
            _lost(tally, "default", "MerchantPro stock", MP_START + sum(added), stock)
        journal = (await client.get("/_sim/journal", params={"limit": 1})).json()
        return {"journal_entries_default": int(journal["total"])}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def _server(journal_size: int) -> Iterator[tuple[str, int]]:
    """`stocksim serve` from this interpreter's environment on a free loopback port: (base URL, pid)."""
    port = _free_port()
    stocksim = Path(sys.executable).parent / "stocksim"
    command = [str(stocksim), "serve", "--host", "127.0.0.1", "--port", str(port), "--journal-size", str(journal_size)]
    # The access log goes to a file, not a pipe: an unread pipe would fill and stall the server mid-run.
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield _wait_for(proc, f"http://127.0.0.1:{port}", log), proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_for(proc: subprocess.Popen[bytes], base: str, log: IO[bytes]) -> str:
    deadline = time.monotonic() + 30
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/_sim/health", timeout=1, trust_env=False).status_code == 200:
                return base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    log.seek(0)
    output = log.read().decode(errors="replace")[-2000:]
    raise RuntimeError(f"stocksim did not answer /_sim/health (exit code {proc.poll()}): {output}")


def _p99(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def judge(seconds: float, tally: Tally, thresholds: Thresholds) -> dict[str, Any]:
    """The figures and the checks: "a minute" is a tenth of the run when the run is under ten minutes."""
    minute = min(60.0, seconds / 10)
    after_mark = [kb for at, kb in tally.rss if at >= minute]
    rss_mark = after_mark[0] if after_mark else tally.rss[-1][1]
    rss_peak = max(after_mark, default=rss_mark)
    second = _p99([took for at, took in tally.latencies if minute <= at < 2 * minute])
    last = _p99([took for at, took in tally.latencies if at >= seconds - minute])
    checks = {
        "rss_steady": rss_peak <= rss_mark * (1 + thresholds.rss_growth),
        "p99_steady": last <= second * thresholds.p99_ratio,
        "no_lost_writes": tally.lost_writes == 0,
        "no_unexpected_5xx": tally.unexpected_5xx == 0 and tally.transport_errors == 0,
        # Every 503 taken for the fault rule's was one: the rules' own count agrees.
        "faults_accounted": tally.injected_503 == tally.fault_fired,
    }
    return {
        "seconds": seconds,
        "minute": minute,
        "rss_kb_at_minute": rss_mark,
        "rss_kb_peak_after_minute": rss_peak,
        "rss_kb_end": tally.rss[-1][1],
        "rss_growth": rss_peak / rss_mark - 1,
        "p99_ms_second_minute": second * 1000,
        "p99_ms_last_minute": last * 1000,
        "p99_ratio": last / second,
        "requests": tally.requests,
        "requests_per_second": tally.requests / seconds,
        "sandboxes_cycled": tally.sandboxes_cycled,
        "acknowledged_writes": tally.acknowledged_writes,
        "lost_writes": tally.lost_writes,
        "injected_503": tally.injected_503,
        "fault_fired": tally.fault_fired,
        "unexpected_5xx": tally.unexpected_5xx,
        "transport_errors": tally.transport_errors,
        "p99_ms_by_kind": {kind: round(_p99(took) * 1000, 1) for kind, took in sorted(tally.by_kind.items())},
        "thresholds": asdict(thresholds),
        "checks": checks,
        "passed": all(checks.values()),
        "problems": tally.problems,
    }


def soak(
    seconds: float, workers: int = 8, journal_size: int = 200, thresholds: Thresholds | None = None
) -> dict[str, Any]:
    tally = Tally()
    with _server(journal_size) as (base, pid):
        extra = asyncio.run(_drive(base, pid, seconds, workers, tally))
    report = judge(seconds, tally, thresholds or Thresholds())
    report |= extra | {"workers": workers, "journal_size": journal_size}
    report["journal_full"] = extra["journal_entries_default"] >= journal_size
    return report


def table(report: dict[str, Any]) -> str:
    m = report["minute"]
    rows = [
        (
            f"RSS at {m:g} s / peak after / end (MiB)",
            f"{report['rss_kb_at_minute'] / 1024:.1f} / "
            f"{report['rss_kb_peak_after_minute'] / 1024:.1f} / {report['rss_kb_end'] / 1024:.1f}",
        ),
        ("RSS growth after the mark", f"{report['rss_growth']:+.1%} (limit +{report['thresholds']['rss_growth']:.0%})"),
        (
            f"p99 second {m:g} s / last {m:g} s (ms)",
            f"{report['p99_ms_second_minute']:.1f} / {report['p99_ms_last_minute']:.1f}",
        ),
        ("p99 ratio", f"{report['p99_ratio']:.2f}x (limit {report['thresholds']['p99_ratio']:g}x)"),
        ("requests (per second)", f"{report['requests']:,} ({report['requests_per_second']:.0f}/s)"),
        ("sandboxes cycled", f"{report['sandboxes_cycled']:,}"),
        ("acknowledged writes / lost", f"{report['acknowledged_writes']:,} / {report['lost_writes']}"),
        ("injected 503 seen / rules fired", f"{report['injected_503']:,} / {report['fault_fired']:,}"),
        ("other 5xx / connection errors", f"{report['unexpected_5xx']} / {report['transport_errors']}"),
        ("default sandbox's journal", f"{report['journal_entries_default']} of {report['journal_size']}"),
    ]
    width = max(len(k) for k, _ in rows)
    lines = [f"soak: {report['seconds']:g} s, {report['workers']} workers"]
    lines += [f"  {k.ljust(width)}  {v}" for k, v in rows]
    lines += [f"  {name.ljust(width)}  {'ok' if ok else 'FAILED'}" for name, ok in report["checks"].items()]
    lines += ["  p99 over the run by request (ms):"]
    lines += [f"    {kind.ljust(width - 2)}  {ms:.1f}" for kind, ms in report["p99_ms_by_kind"].items()]
    lines += [f"  problem: {p}" for p in report["problems"][:10]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--journal-size", type=int, default=200)
    parser.add_argument("--rss-growth", type=float, default=Thresholds.rss_growth)
    parser.add_argument("--p99-ratio", type=float, default=Thresholds.p99_ratio)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    report = soak(args.seconds, args.workers, args.journal_size, Thresholds(args.rss_growth, args.p99_ratio))
    print(table(report))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
