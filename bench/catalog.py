"""`make bench`'s catalog section: lookups and writes of random items at 1k, 100k and 1M products, per vendor.

One scenario per size holds all four vendors at that size: MerchantPro's and i.LEVEL's catalogs come from their
``generate:`` blocks; Centra and Ka-ching have none, so their items are built here (a YAML file of a million items
would be far past what a scenario file may hold). The scenario is checked by the simulator's own rules, then served
by ``python -m bench.catalog --count N --port P`` (the simulator's app and server configuration, the scenario handed
in instead of read from a file).

Each figure is the median latency of single requests for random items, spread over the whole catalog, from one
keep-alive client; the random items are the same ordinals' share of every size, so the sizes differ only in size.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, replace
from typing import Any

import httpx

from bench.harness import free_port, server

MP_AUTH = ("bench-key", "bench-secret")
IL_AUTH = ("bench-user", "bench-key")
WAREHOUSE = "0123456789ABCDEF0123456789ABCDEF"
CENTRA_TOKEN = "bench-centra-token"
KC_QUERY = "account=bench&integration=bench&apikey=bench-kc-key"
FIRST_ID = 1_000_000
SEED = 1
STARTUP_TIMEOUT = 900.0


def mp_sku(n: int) -> str:
    return f"GEN-{n:07d}"


def mp_ean(n: int) -> str:
    return f"29{n:011d}"


def centra_ean(n: int) -> str:
    return f"73{n:011d}"


def centra_sku(n: int) -> tuple[str, str, str]:
    return f"C{n:07d}", "-V", "-M"


def build(count: int) -> Any:
    """The bench's scenario at ``count`` items per vendor, checked by the simulator's rules (a LoadedScenario)."""
    from simulator.scenarios import centra, ilevel, kaching, merchantpro
    from simulator.scenarios.loaded import LoadedScenario
    from simulator.scenarios.loader import registered
    from simulator.scenarios.model import check, scenario_type

    shop = merchantpro.Shop(
        name="bench",
        api_key=MP_AUTH[0],
        api_secret=MP_AUTH[1],
        generate=merchantpro.Generate(count=count, seed=SEED, first_id=FIRST_ID),
    )
    tenant = ilevel.Tenant(
        name="bench",
        username=IL_AUTH[0],
        api_key=IL_AUTH[1],
        warehouses=[ilevel.Warehouse(id=WAREHOUSE, name="Bench")],
        generate=ilevel.Generate(count=count, seed=SEED),
        stock=[
            ilevel.Stock(warehouse=WAREHOUSE, variant=ilevel.generated_id(SEED, n), in_stock=n % 100)
            for n in range(1, count + 1)
        ],
    )
    plugin = centra.Plugin(
        name="bench",
        api_token=CENTRA_TOKEN,
        items=[
            centra.Item(
                stock_item_id=n,
                product_id=n,
                variant_id=n,
                sku=centra_sku(n)[0],
                variant_sku=centra_sku(n)[1],
                size_sku=centra_sku(n)[2],
                ean=centra_ean(n),
                physical_stock=100,
            )
            for n in range(1, count + 1)
        ],
    )
    account = kaching.Account(
        id="bench",
        import_queues=[kaching.ImportQueue(id="bench", apikey="bench-kc-key")],
        stock_locations=[kaching.StockLocation(id="store")],
        stock=[
            kaching.Stock(location="store", product=f"P{n:07d}", variant="V1", count=100) for n in range(1, count + 1)
        ],
    )
    # The document type is built from the registered vendors' sections, so its fields are known only at run time.
    document: Any = scenario_type(registered())
    spec = document(
        name=f"bench-catalog-{count}",
        description="make bench: one account per vendor, no faults, no rate limits",
        merchantpro=merchantpro.Section(shops=[shop]),
        ilevel=ilevel.Section(tenants=[tenant]),
        centra=centra.Section(plugins=[plugin]),
        ka_ching=kaching.Section(accounts=[account]),
    )
    problems = check(spec)
    if problems:
        raise ValueError(f"the bench's scenario is not valid: {problems[:3]}")
    return LoadedScenario.build(spec, f"bench.catalog({count})")


def serve(count: int, port: int) -> None:
    """The simulator on the scenario of ``count`` items, as ``stocksim serve`` runs it, until terminated."""
    import uvicorn

    from simulator.app import create_app
    from simulator.cli import listen
    from simulator.config import Settings
    from simulator.server import ServerConfig

    scenario = build(count)
    settings = Settings(port=port, log_level="warning")
    sock = listen(settings.host, settings.port)
    with sock:
        settings = replace(settings, port=sock.getsockname()[1])
        app = create_app(settings, scenario)
        uvicorn.Server(ServerConfig(app, settings, log_level="warning")).run(sockets=[sock])


@dataclass(frozen=True)
class Probe:
    """One kind of request for item ``n``; ``check`` reads the answer and says whether it is about item ``n``."""

    name: str
    send: Callable[[httpx.Client, int, int], httpx.Response]
    check: Callable[[httpx.Response, int], bool]
    write: bool = False


def _json_item(r: httpx.Response, key: str, value: object) -> bool:
    return r.status_code == 200 and r.json().get(key) == value


def _centra_one(r: httpx.Response, n: int) -> bool:
    if r.status_code != 200:
        return False
    products = r.json().get("products")
    return isinstance(products, list) and len(products) == 1 and products[0].get("stockItemId") == n


def _ilevel_one(r: httpx.Response, n: int) -> bool:
    from simulator.scenarios.ilevel import generated_id

    if r.status_code != 200:
        return False
    found = json.dumps(r.json())
    return generated_id(SEED, n) in found


def _mp(kind: str, value: Callable[[int], object]) -> Callable[[httpx.Client, int, int], httpx.Response]:
    return lambda c, n, i: c.get(f"/merchantpro/bench/api/v2/inventory/{kind}/{value(n)}", auth=MP_AUTH)


def _il(param: str, value: Callable[[int], str]) -> Callable[[httpx.Client, int, int], httpx.Response]:
    return lambda c, n, i: c.get(
        "/ilevel/bench/api/stock", params={"warehouse_id": WAREHOUSE, param: value(n)}, auth=IL_AUTH
    )


def _il_id(n: int) -> str:
    from simulator.scenarios.ilevel import generated_id

    return generated_id(SEED, n)


def _centra_get(param: str, value: Callable[[int], str]) -> Callable[[httpx.Client, int, int], httpx.Response]:
    return lambda c, n, i: c.get(
        "/centra/bench/stock", params={param: value(n)}, headers={"API-Authorization": CENTRA_TOKEN}
    )


def _centra_post(value: Callable[[int], str]) -> Callable[[httpx.Client, int, int], httpx.Response]:
    return lambda c, n, i: c.post(
        "/centra/bench/stock",
        json={"products": [{"product": value(n), "quantity": 50 + i % 40}]},
        headers={"API-Authorization": CENTRA_TOKEN},
    )


def _il_batch(field: str, value: Callable[[int], str]) -> Callable[[httpx.Client, int, int], httpx.Response]:
    return lambda c, n, i: c.post(
        f"/ilevel/bench/api/batchStock?warehouse_id={WAREHOUSE}",
        json={"batchStock": {"item": [{field: value(n), "inStock": 1000 + i}]}},
        auth=IL_AUTH,
    )


def _kc_adjust(c: httpx.Client, n: int, i: int) -> httpx.Response:
    return c.post(f"/ka-ching/imports/stock?{KC_QUERY}&adjustment=true", json={"store": {f"P{n:07d}": {"V1": 1}}})


def _sku_key(n: int) -> str:
    return "".join(centra_sku(n))


PROBES = (
    Probe(
        "MerchantPro GET id", _mp("id", lambda n: FIRST_ID + n - 1), lambda r, n: _json_item(r, "id", FIRST_ID + n - 1)
    ),
    Probe("MerchantPro GET sku", _mp("sku", mp_sku), lambda r, n: _json_item(r, "sku", mp_sku(n))),
    Probe("MerchantPro GET ean", _mp("ean", mp_ean), lambda r, n: _json_item(r, "ean", mp_ean(n))),
    Probe("i.LEVEL GET stock variant_id", _il("variant_id", _il_id), _ilevel_one),
    Probe("i.LEVEL GET stock barcode", _il("barcode", mp_ean), _ilevel_one),
    Probe("i.LEVEL GET stock code", _il("code", mp_sku), _ilevel_one),
    Probe("Centra GET stock ean", _centra_get("ean", centra_ean), _centra_one),
    Probe("Centra GET stock sku triple", _centra_get("sku", _sku_key), _centra_one),
    Probe("Ka-ching import product/variant", _kc_adjust, lambda r, n: r.status_code == 200, write=True),
    Probe("i.LEVEL batchStock 1 item variant_id", _il_batch("variant_id", _il_id), lambda r, n: _all_passed(r), True),
    Probe("i.LEVEL batchStock 1 item code", _il_batch("code", mp_sku), lambda r, n: _all_passed(r), True),
    Probe("Centra POST stock ean", _centra_post(centra_ean), lambda r, n: _centra_ok(r), True),
    Probe("Centra POST stock sku triple", _centra_post(_sku_key), lambda r, n: _centra_ok(r), True),
)


def _all_passed(r: httpx.Response) -> bool:
    return r.status_code == 200 and r.json() == {"allPassed": True, "results": []}


def _centra_ok(r: httpx.Response) -> bool:
    return r.status_code == 200 and r.json() == {"status": "ok"}


def sample(count: int, n: int, seed: int = 7) -> list[int]:
    """``n`` random ordinals in 1..count, spread over the whole catalog (the same draw for every size)."""
    rng = random.Random(seed)
    return [1 + int(rng.random() * count) for _ in range(n)]


def measure(client: httpx.Client, probe: Probe, ordinals: list[int], offset: int = 0) -> list[float]:
    """Latency of each request, in ms; refuses an answer that is not about the item asked for."""
    times = []
    for i, n in enumerate(ordinals):
        t0 = time.perf_counter()
        r = probe.send(client, n, offset + i)
        times.append((time.perf_counter() - t0) * 1e3)
        if not probe.check(r, n):
            raise RuntimeError(f"{probe.name}, item {n}: unexpected {r.status_code} {r.text[:300]}")
    return times


def served_ms(client: httpx.Client, requests: int) -> list[float]:
    """The simulator's own time for its last ``requests`` exchanges, in ms: the journal's ``latency_ms``, from the
    toolkit taking the request to the answer handed to the server. Without the client's and the connection's share,
    which is most of a request's time here and all of its noise, it shows what the lookup itself costs."""
    answer = client.get("/_sim/journal", params={"limit": requests})
    answer.raise_for_status()
    entries = answer.json()["entries"]
    if len(entries) != requests:
        raise RuntimeError(f"the journal holds {len(entries)} of the {requests} requests just made")
    return [float(entry["latency_ms"]) for entry in entries]


Timed = tuple[list[float], list[float]]  # a probe's requests: the client's times and the simulator's own, in ms


def _round(clients: dict[int, httpx.Client], r: int, per_round: int) -> dict[int, dict[str, Timed]]:
    """One round: each probe over the round's random items on every size in turn, before the next probe, so the
    figures a growth ratio compares are taken seconds apart, not a whole size's probes apart; the sizes go in
    turn from the smallest in even rounds and from the largest in odd ones, so no size always goes first. Reads come
    before writes (a write puts its item in the sandbox's own layer, which a later read of it would hit instead of
    the scenario's)."""
    order = sorted(clients) if r % 2 == 0 else sorted(clients, reverse=True)
    ordinals = {count: sample(count, per_round, seed=r) for count in order}
    times: dict[int, dict[str, Timed]] = {count: {} for count in order}
    for probe in sorted(PROBES, key=lambda p: p.write):
        for count in order:
            client = clients[count]
            client.delete("/_sim/journal").raise_for_status()
            seen = measure(client, probe, ordinals[count], offset=r * per_round)
            times[count][probe.name] = (seen, served_ms(client, len(seen)))
    return times


def bench_catalog(results: dict[str, Any], sizes: list[int], rounds: int, per_round: int = 100) -> None:
    """A server per size, started one after another (each start timed alone: that is the seeding) and kept up;
    then each round takes every probe on every size in turn (``_round``), so a growth ratio compares figures taken
    seconds apart, whatever else the machine runs."""
    medians: dict[int, dict[str, list[float]]] = {n: {p.name: [] for p in PROBES} for n in sizes}
    served: dict[int, dict[str, list[float]]] = {n: {p.name: [] for p in PROBES} for n in sizes}
    p90s: dict[int, dict[str, list[float]]] = {n: {p.name: [] for p in PROBES} for n in sizes}
    started: dict[int, float] = {}
    with ExitStack() as stack:
        clients: dict[int, httpx.Client] = {}
        for count in sizes:
            print(f"  catalog: seeding {count:,} items per vendor...", flush=True)
            port = free_port()
            argv = [sys.executable, "-m", "bench.catalog", "--count", str(count), "--port", str(port)]
            started[count] = stack.enter_context(server(argv, port, timeout=STARTUP_TIMEOUT))
            client = httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False, timeout=60)
            clients[count] = stack.enter_context(client)
            for probe in PROBES:
                if not probe.write:
                    measure(client, probe, sample(count, 20, seed=99))
        for r in range(rounds):
            for count, found in _round(clients, r, per_round).items():
                for name, (times, server_times) in found.items():
                    medians[count][name].append(statistics.median(times))
                    served[count][name].append(statistics.median(server_times))
                    p90s[count][name].append(sorted(times)[int(0.9 * len(times))])
    results["catalog"] = {
        "rounds": rounds,
        "requests_per_round": per_round,
        "sizes": {
            str(n): {
                "startup_s": started[n],
                "median_ms": {k: statistics.median(v) for k, v in medians[n].items()},
                "served_median_ms": {k: statistics.median(v) for k, v in served[n].items()},
                "p90_ms": {k: statistics.median(v) for k, v in p90s[n].items()},
                "round_medians_ms": medians[n],
            }
            for n in sizes
        },
    }


# Each table of the section: the client's time for a request, and the simulator's own (served_ms).
FIGURES = (("median_ms", "median ms per request"), ("served_median_ms", "the simulator's own ms (journal)"))


def table(results: dict[str, Any]) -> str:
    sizes = results["catalog"]["sizes"]
    keys = list(sizes)
    first, last = keys[0], keys[-1]
    head = "".join(f"{int(k):>12,}" for k in keys)
    rounds = results["catalog"].get("rounds", "?")
    lines: list[str] = []
    for key, title in FIGURES:
        if key not in sizes[first]:
            continue  # a result written before the journal's figures were taken
        lines.append(f"{f'{title}, {rounds} rounds':<40}{head}{f'{int(last):,}/{int(first):,}':>16}")
        for probe in PROBES:
            cells = "".join(f"{sizes[k][key][probe.name]:>12.3f}" for k in keys)
            ratio = sizes[last][key][probe.name] / sizes[first][key][probe.name]
            lines.append(f"{probe.name:<40}{cells}{ratio:>15.2f}x")
    cells = "".join(f"{sizes[k]['startup_s']:>12.1f}" for k in keys)
    lines.append(f"{'start-up with seeding, s':<40}{cells}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the bench's catalog scenario (used by `make bench`).")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    serve(args.count, args.port)


if __name__ == "__main__":
    main()
