"""Crash safety: SIGKILL the server in the middle of a write load, restart it on the same ``--db`` file, and check
that every write that got a 2xx is there and that nothing is half-applied.

    python -m bench.crash_safety [--rounds N] [--seed S] [--threads T] [--json OUT]

The server is started the way users start it (``stocksim serve --db FILE --port P`` from the venv of
``sys.executable``) on a scenario written for the run. Each round, T client threads (one keep-alive connection
each) send a random mix of writes to all four vendors; after a seeded random delay the server gets SIGKILL, and is
started again on the same file and port. Then:

- counters (MerchantPro ``adjust_by: 1`` on three SKUs and on both warehouses of a Multi Warehouse product in one
  request; Ka-ching ``adjustment=true`` imports of +1, on an account applying at once and on one with a
  processing delay, whose accepted imports must still be applied after the restart): initial + acknowledged
  <= final <= initial + attempted; the two warehouses moved together; one Ka-ching stock event per applied +1;
- whole writes (i.LEVEL 1,000-item batches, Centra updates of five items, Ka-ching resets of five products), each
  carrying a value no other write carries: every record holds one and the same write's value, never a mix; no
  acknowledged write was overwritten by an older one or by the state before the round; no refused write applied;
- ``PRAGMA integrity_check`` on the file is ``ok``.

The rounds share one file, so each round's restart recovers what the round before left. Prints a summary, writes
JSON (``--json``), and exits 1 if any acknowledged write was lost or anything was half-applied.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import random
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

BIN = Path(sys.executable).parent
WAREHOUSE = "1571945CAB99744086F9FDFC9D9332D5"
SKUS = ("SKU-A", "SKU-B", "SKU-C")  # the names SCENARIO uses, like the ones below
CENTRA_EANS = ("2000000000010", "2000000000011", "2000000000012", "2000000000013", "2000000000014")
RESET_PRODUCTS = ("r1", "r2", "r3", "r4", "r5")  # as in SCENARIO
MP = ("crash-key", "crash-secret")
MP_MW = ("mw-key", "mw-secret")
KC = "/ka-ching/imports/stock?account={account}&integration={queue}&apikey={key}"
KC_FAST = KC.format(account="crash", queue="q", key="key")
KC_SLOW = KC.format(account="crash-slow", queue="q-slow", key="key-slow")
SLOW_DELAY = 0.3

SCENARIO = f"""
name: crash-safety
merchantpro:
  shops:
    - name: crash
      api_key: crash-key
      api_secret: crash-secret
      products:
        - {{id: 1, sku: SKU-A, price_net: 1, stock: 0}}
        - {{id: 2, sku: SKU-B, price_net: 1, stock: 0}}
        - {{id: 3, sku: SKU-C, price_net: 1, stock: 0}}
    - name: crash-mw
      api_key: mw-key
      api_secret: mw-secret
      multi_warehouse: true
      warehouses: [{{id: 1, name: One}}, {{id: 2, name: Two}}]
      products:
        - {{id: 10, sku: MW-1, price_net: 1, warehouses: [{{id: 1, stock: 0}}, {{id: 2, stock: 0}}]}}
ilevel:
  tenants:
    - {{name: crash, username: u, api_key: k, warehouses: [{{id: {WAREHOUSE}, name: Main}}], generate: {{count: 1000}}}}
centra:
  plugins:
    - name: crash
      api_token: crash-token
      items:
        - {{stockItemId: 1, productId: 1, variantId: 1, sku: S, sizeSku: "1", ean: "2000000000010"}}
        - {{stockItemId: 2, productId: 1, variantId: 1, sku: S, sizeSku: "2", ean: "2000000000011"}}
        - {{stockItemId: 3, productId: 1, variantId: 1, sku: S, sizeSku: "3", ean: "2000000000012"}}
        - {{stockItemId: 4, productId: 1, variantId: 1, sku: S, sizeSku: "4", ean: "2000000000013"}}
        - {{stockItemId: 5, productId: 1, variantId: 1, sku: S, sizeSku: "5", ean: "2000000000014"}}
ka_ching:
  accounts:
    - id: crash
      import_queues: [{{id: q, apikey: key}}]
      stock_locations: [{{id: shop}}]
      products: [{{id: counter}}, {{id: r1}}, {{id: r2}}, {{id: r3}}, {{id: r4}}, {{id: r5}}]
      stock: [{{location: shop, product: counter, count: 0}}]
    - id: crash-slow
      import_queues: [{{id: q-slow, apikey: key-slow}}]
      stock_locations: [{{id: shop}}]
      products: [{{id: counter}}]
      stock: [{{location: shop, product: counter, count: 0}}]
      processing_delay: {SLOW_DELAY}
"""


@dataclass
class Write:
    value: int
    sent: float
    acked: float | None = None  # when the 2xx arrived
    refused: bool = False  # a complete non-2xx answer: the write must not be applied


@dataclass
class Ledger:
    """What the clients sent and what the server acknowledged, per counter and per whole-write group."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    attempted: dict[str, int] = field(default_factory=dict)
    acked: dict[str, int] = field(default_factory=dict)
    groups: dict[str, list[Write]] = field(default_factory=dict)
    unexpected: list[str] = field(default_factory=list)

    def count(self, key: str, send: Callable[[], httpx.Response], ok: Callable[[httpx.Response], bool]) -> None:
        with self.lock:
            self.attempted[key] = self.attempted.get(key, 0) + 1
        r = send()
        if ok(r):
            with self.lock:
                self.acked[key] = self.acked.get(key, 0) + 1
        else:
            self.unexpected.append(f"{key}: {r.status_code} {r.text[:200]}")

    def whole(
        self, group: str, value: int, send: Callable[[], httpx.Response], ok: Callable[[httpx.Response], bool]
    ) -> None:
        write = Write(value, time.monotonic())
        with self.lock:
            self.groups.setdefault(group, []).append(write)
        r = send()
        if ok(r):
            write.acked = time.monotonic()
        else:
            write.refused = True
            self.unexpected.append(f"{group}: {r.status_code} {r.text[:200]}")


def _status(r: httpx.Response, key: str, want: object) -> bool:
    return r.status_code == 200 and r.json().get(key) == want


def one_write(c: httpx.Client, ledger: Ledger, rng: random.Random, values: Callable[[], int]) -> None:
    kind = rng.choices(["mp", "mw", "ilevel", "centra", "kc", "kc-slow", "kc-reset"], [6, 2, 1, 2, 4, 2, 2])[0]
    if kind == "mp":
        sku = rng.choice(SKUS)
        path = f"/merchantpro/crash/api/v2/inventory/sku/{sku}"
        body: Any = {"stock": {"adjust_by": 1}}
        ledger.count(f"mp:{sku}", lambda: c.patch(path, json=body, auth=MP), lambda r: r.status_code == 200)
    elif kind == "mw":
        body = {"warehouses": [{"id": 1, "stock": {"adjust_by": 1}}, {"id": 2, "stock": {"adjust_by": 1}}]}
        path = "/merchantpro/crash-mw/api/v2/inventory/id/10"
        ledger.count("mp-mw", lambda: c.patch(path, json=body, auth=MP_MW), lambda r: r.status_code == 200)
    elif kind == "ilevel":
        v = values()
        figures = {"inStock": v, "demand": v + 1, "supply": v + 2}
        items = [{"code": f"GEN-{n:07d}"} | figures for n in range(1, 1001)]
        path = f"/ilevel/crash/api/batchStock?warehouse_id={WAREHOUSE}"
        send = lambda: c.post(path, json={"batchStock": {"item": items}}, auth=("u", "k"))  # noqa: E731
        ledger.whole("ilevel", v, send, lambda r: _status(r, "allPassed", True))
    elif kind == "centra":
        v = values()
        body = {"products": [{"product": ean, "quantity": v} for ean in CENTRA_EANS]}
        send = lambda: c.post("/centra/crash/stock", json=body, headers={"API-Authorization": "crash-token"})  # noqa: E731
        ledger.whole("centra", v, send, lambda r: _status(r, "status", "ok"))
    elif kind == "kc-reset":
        v = values()
        body = {"shop": dict.fromkeys(RESET_PRODUCTS, v)}
        ledger.whole("kc-reset", v, lambda: c.post(KC_FAST, json=body), lambda r: _status(r, "status", "OK"))
    else:
        url = (KC_FAST if kind == "kc" else KC_SLOW) + "&adjustment=true"
        body = {"shop": {"counter": 1}}
        ledger.count(kind, lambda: c.post(url, json=body), lambda r: _status(r, "status", "OK"))


def load(c: httpx.Client, ledger: Ledger, rng: random.Random, stop: threading.Event, values: Callable[[], int]) -> None:
    with c:
        while not stop.is_set():
            # A transport error is the kill: the write stays attempted, never acknowledged.
            with contextlib.suppress(httpx.HTTPError):
                one_write(c, ledger, rng, values)


class Server:
    """``stocksim serve`` in its own process, on one --db file and port."""

    def __init__(self, db: Path, scenario: Path, port: int) -> None:
        self.log = db.with_suffix(".log")
        self.argv = [str(BIN / "stocksim"), "serve", "--db", str(db), "--scenario", str(scenario)]
        self.argv += ["--port", str(port), "--log-level", "warning"]
        self.base = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        started = time.monotonic()
        # Server output goes to a file: a pipe nobody reads could fill up and stall the server.
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL, stderr=log)
        while True:
            try:
                if httpx.get(f"{self.base}/_sim/health", timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"stocksim exited with {self.proc.returncode}: {self.log.read_text()[-2000:]}")
            if time.monotonic() - started > 60:
                raise RuntimeError("stocksim did not answer /_sim/health within 60 s")
            time.sleep(0.02)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def snapshot(base: str, wait_for_queue: bool = False) -> dict[str, Any]:
    """Every value the checks look at, read through the vendors' own APIs and the control plane."""
    with httpx.Client(base_url=base, timeout=30) as c:
        kc: dict[str, Any] = {}
        deadline = time.monotonic() + 10 + SLOW_DELAY
        while True:
            accounts = c.get("/_sim/state?vendor=ka-ching").json()["ka-ching"]["accounts"]
            if not wait_for_queue or accounts["crash-slow"]["pending_imports"] == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        kc = {a: accounts[a]["locations"]["shop"]["stock"] for a in ("crash", "crash-slow")}
        state: dict[str, Any] = {
            f"mp:{s}": c.get(f"/merchantpro/crash/api/v2/inventory/sku/{s}", auth=MP).json()["stock"] for s in SKUS
        }
        mw = c.get("/merchantpro/crash-mw/api/v2/inventory/id/10", auth=MP_MW).json()
        state["mp-mw"] = [w["stock"] for w in mw["warehouses"]]
        state["kc"], state["kc-slow"] = kc["crash"]["counter"], kc["crash-slow"]["counter"]
        state["kc-pending"] = accounts["crash-slow"]["pending_imports"]
        events = c.get("/_sim/ka-ching/events?account=crash&product=counter&type=external_adjustment&limit=1000000")
        state["kc-events"] = len(events.json()["events"])
        state["kc-reset"] = [kc["crash"].get(p) for p in RESET_PRODUCTS]
        auth = ("u", "k")
        stock = c.get(f"/ilevel/crash/api/stock?warehouse_id={WAREHOUSE}&pagesize=1000", auth=auth).json()
        records = stock["response"]["stock"]
        state["ilevel"] = [(s["inStock"], s["demand"], s["supply"]) for s in records]
        centra = c.get("/centra/crash/stock?productId=1", headers={"API-Authorization": "crash-token"}).json()
        state["centra"] = [p["physicalStock"] for p in centra["products"]]
    return state


@dataclass
class Verdict:
    acknowledged: int = 0
    attempted: int = 0
    lost: int = 0
    half_applied: int = 0
    phantom: int = 0
    problems: list[str] = field(default_factory=list)


def check_counters(before: dict[str, Any], after: dict[str, Any], ledger: Ledger, v: Verdict) -> None:
    for key in [f"mp:{s}" for s in SKUS] + ["kc", "kc-slow", "mp-mw"]:
        sent, acked = ledger.attempted.get(key, 0), ledger.acked.get(key, 0)
        v.attempted += sent
        v.acknowledged += acked
        pairs = list(zip(before[key], after[key], strict=True)) if key == "mp-mw" else [(before[key], after[key])]
        for start, end in pairs:
            if end < start + acked:
                v.lost += start + acked - end
                v.problems.append(f"{key}: {start} + {acked} acknowledged, but {end} after the restart")
            if end > start + sent:
                v.phantom += end - start - sent
                v.problems.append(f"{key}: {start} + {sent} sent at most, but {end} after the restart")
    moved = [end - start for start, end in zip(before["mp-mw"], after["mp-mw"], strict=True)]
    if len(set(moved)) != 1:
        v.half_applied += 1
        v.problems.append(f"mp-mw: the warehouses of one request moved apart: {moved}")
    if after["kc-events"] != after["kc"]:
        v.half_applied += 1
        v.problems.append(f"kc: count {after['kc']} but {after['kc-events']} adjustment events")
    if after["kc-pending"]:
        v.problems.append(f"kc-slow: {after['kc-pending']} accepted imports still pending after the restart")
        v.lost += after["kc-pending"]


def whole_value(group: str, values: list[Any]) -> tuple[int | None, bool]:
    """The one write's value every record shows (None: no records yet), and whether the records agree."""
    if group == "ilevel":
        if not values:
            return None, True
        whole = len(values) == 1000 and all(d == s - 1 == i + 1 for i, d, s in values)
        return values[0][0], whole and len(set(values)) == 1
    return values[0], len(set(values)) == 1


def check_wholes(before: dict[str, Any], after: dict[str, Any], ledger: Ledger, v: Verdict) -> None:
    for group in ("ilevel", "centra", "kc-reset"):
        writes = ledger.groups.get(group, [])
        acked = [w for w in writes if w.acked is not None]
        v.attempted += len(writes)
        v.acknowledged += len(acked)
        initial, _ = whole_value(group, before[group])
        final, whole = whole_value(group, after[group])
        if not whole:
            v.half_applied += 1
            v.problems.append(f"{group}: records hold a mix of writes: {sorted(set(map(str, after[group])))[:5]}")
            continue
        winner = next((w for w in writes if w.value == final), None)
        if final != initial and winner is None:
            v.phantom += 1
            v.problems.append(f"{group}: value {final} was never sent")
        if winner is not None and winner.refused:
            v.phantom += 1
            v.problems.append(f"{group}: write {final} was refused but applied")
        # An acknowledged write is lost when what survived certainly committed before it: the state before the
        # round, or a write acknowledged before it was even sent.
        for w in acked:
            if w is winner:
                continue
            if winner is None or (winner.acked is not None and winner.acked < w.sent):
                v.lost += 1
                v.problems.append(f"{group}: acknowledged write {w.value} lost; the records show {final}")


def kinds(ledger: Ledger) -> dict[str, tuple[int, int]]:
    """(attempted, acknowledged) per kind of write."""
    found: dict[str, tuple[int, int]] = {}
    for key, sent in ledger.attempted.items():
        kind = key.split(":")[0]
        before = found.get(kind, (0, 0))
        found[kind] = (before[0] + sent, before[1] + ledger.acked.get(key, 0))
    for group, writes in ledger.groups.items():
        found[group] = (len(writes), sum(1 for w in writes if w.acked is not None))
    return found


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def run(rounds: int, seed: int = 8, threads: int = 16, workdir: Path | None = None) -> dict[str, Any]:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="stocksim-crash-") as tmp:
        where = workdir or Path(tmp)
        db, scenario = where / "crash.db", where / "crash.yaml"
        scenario.write_text(SCENARIO)
        server = Server(db, scenario, free_port())
        counter = itertools.count(1)
        counter_lock = threading.Lock()

        def next_value() -> int:
            with counter_lock:
                return next(counter)

        tls = ssl.create_default_context()
        per_round: list[dict[str, Any]] = []
        total = Verdict()
        by_kind: dict[str, list[int]] = {}
        try:
            server.start()
            for n in range(1, rounds + 1):
                before = snapshot(server.base, wait_for_queue=True)
                ledger, stop = Ledger(), threading.Event()
                # Clients are made before the load starts (each costs tens of ms), sharing one TLS context (unused
                # here, but httpx builds one per client otherwise).
                clients = [httpx.Client(base_url=server.base, timeout=30, verify=tls) for _ in range(threads)]
                workers = [
                    threading.Thread(target=load, args=(c, ledger, random.Random(rng.random()), stop, next_value))
                    for c in clients
                ]
                for t in workers:
                    t.start()
                kill_after = rng.uniform(0.3, 1.5)
                time.sleep(kill_after)
                stop.set()  # no new writes; those in flight stay in flight through the kill
                server.kill()
                for t in workers:
                    t.join()
                restart = server.start()
                after = snapshot(server.base, wait_for_queue=True)
                verdict = Verdict()
                check_counters(before, after, ledger, verdict)
                check_wholes(before, after, ledger, verdict)
                if (status := integrity(db)) != "ok":
                    verdict.problems.append(f"integrity_check: {status}")
                    verdict.half_applied += 1
                per_round.append(
                    asdict(verdict)
                    | {"round": n, "kill_after_s": round(kill_after, 3), "restart_s": round(restart, 3)}
                    | {"unexpected_responses": ledger.unexpected[:20]}
                )
                for kind, (sent, acked) in kinds(ledger).items():
                    counts = by_kind.setdefault(kind, [0, 0])
                    counts[0], counts[1] = counts[0] + sent, counts[1] + acked
                for name in ("acknowledged", "attempted", "lost", "half_applied", "phantom"):
                    setattr(total, name, getattr(total, name) + getattr(verdict, name))
                total.problems += [f"round {n}: {p}" for p in verdict.problems]
        finally:
            server.stop()
    return {
        "rounds": rounds,
        "seed": seed,
        "threads": threads,
        "acknowledged_writes": total.acknowledged,
        "attempted_writes": total.attempted,
        "lost_acknowledged_writes": total.lost,
        "half_applied": total.half_applied,
        "phantom_writes": total.phantom,
        "by_kind": {
            kind: {"attempted": sent, "acknowledged": acked} for kind, (sent, acked) in sorted(by_kind.items())
        },
        "problems": total.problems,
        "per_round": per_round,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crash_safety", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--json", type=Path, help="write the summary here")
    ns = parser.parse_args(argv)
    summary = run(ns.rounds, ns.seed, ns.threads)
    print(
        f"crash safety: {summary['rounds']} SIGKILLs under load, {summary['acknowledged_writes']} acknowledged "
        f"writes of {summary['attempted_writes']} sent; lost acknowledged writes: "
        f"{summary['lost_acknowledged_writes']}; half-applied: {summary['half_applied']}; "
        f"phantom writes: {summary['phantom_writes']}"
    )
    for problem in summary["problems"]:
        print(f"  {problem}")
    if ns.json:
        ns.json.parent.mkdir(parents=True, exist_ok=True)
        ns.json.write_text(json.dumps(summary, indent=2) + "\n")
    failed = summary["lost_acknowledged_writes"] or summary["half_applied"] or summary["phantom_writes"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
