"""Three workers behind nginx (deploy/nginx/, as `make cluster` runs it): sandboxes spread by the hash of their
names, every vendor works inside each, sandboxes stay apart, the pytest plugin works unchanged against the front,
and a worker's death fails its own sandboxes only (nginx's 502) until a restart on its --db brings them back."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.cluster import Cluster, trusts_proxy_headers

WORKERS = 3
NAMES = [f"shard-test-{i:02d}" for i in range(30)]
MP_ITEM = "/merchantpro/demo/api/v2/inventory/id/10001"
MP_AUTH = ("demo-api-key", "demo-api-secret")
KACHING = "/ka-ching/imports/stock?account=demo-account&integration=demo-queue&apikey=demo-apikey"
ILEVEL_WAREHOUSE = "1571945CAB99744086F9FDFC9D9332D5"
ILEVEL = f"/ilevel/demo/api/batchStock?warehouse_id={ILEVEL_WAREHOUSE}"
ILEVEL_VARIANT = "0A5EEDAF16F8D54486AB2AD7474B3994"
CENTRA = "/centra/demo/stock"
CENTRA_TOKEN = {"API-Authorization": "demo-centra-api-token"}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with Cluster(WORKERS, tmp_path_factory.mktemp("cluster")) as running:
        yield running


@pytest.fixture(scope="module")
def front(cluster: Cluster) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=cluster.front_url, trust_env=False, timeout=10, headers=cluster.headers) as client:
        yield client


@pytest.fixture(scope="module")
def placed(front: httpx.Client) -> dict[str, dict[str, Any]]:
    """The 30 sandboxes, created through the front (PUT names them in the URL): name -> description."""
    made = {}
    for name in NAMES:
        r = front.put(f"/_sim/sandboxes/{name}")
        assert r.status_code == 201, r.text
        made[name] = r.json()
    return made


def _auth(api: dict[str, Any]) -> dict[str, Any]:
    auth = api["auth"]
    if auth["scheme"] == "basic":
        return {"auth": (auth["username"], auth["password"])}
    if auth["scheme"] == "header":
        return {"headers": {auth["header"]: auth["token"]}}
    return {}  # query: the example URL carries it


def test_the_sandboxes_spread_over_every_worker(cluster: Cluster, front: httpx.Client, placed: dict[str, Any]) -> None:
    where = {name: d["instance"] for name, d in placed.items()}
    assert set(where.values()) == {w.name for w in cluster.workers}, Counter(where.values())
    for worker in cluster.workers:
        # Each worker holds exactly the sandboxes routed to it, besides its own default sandbox.
        own = httpx.get(f"{worker.url}/_sim/sandboxes", trust_env=False, headers=cluster.headers).json()
        assert own["instance"] == worker.name
        assert {s["name"] for s in own["sandboxes"]} == {"default"} | {n for n, w in where.items() if w == worker.name}
    # Every later request naming the sandbox goes where it was made, and its URLs are the front's.
    for name in NAMES[:5]:
        assert cluster.shard_of(name, front).name == where[name]
        assert placed[name]["root_url"] == f"{cluster.front_url}/sandboxes/{name}"
    merged = front.get("/_sim/sandboxes", params={"all": "1"}).json()
    assert Counter(s["name"] for s in merged["sandboxes"]) == Counter([*NAMES, *["default"] * WORKERS])
    assert [i["status"] for i in merged["instances"]] == ["ok"] * WORKERS


def test_every_vendor_works_inside_each_sandbox_and_the_sandboxes_stay_apart(
    front: httpx.Client, placed: dict[str, Any]
) -> None:
    for name, description in placed.items():
        for api in description["apis"]:
            if api["vendor"] == "ka-ching":
                continue  # its example is the import endpoint (POST), written to below
            r = front.get(api["example_url"], **_auth(api))
            assert r.status_code == 200, (name, api["vendor"], r.text)
    # One write per vendor, a value of its own in each sandbox.
    for i, name in enumerate(NAMES):
        root = f"/sandboxes/{name}"
        assert front.patch(root + MP_ITEM, json={"stock": 100 + i}, auth=MP_AUTH).status_code == 200
        assert front.post(root + KACHING, json={"stock_location_id": {"product1": 200 + i}}).status_code == 200
        batch = {"batchStock": {"item": [{"variant_id": ILEVEL_VARIANT, "inStock": 300 + i}]}}
        r = front.post(root + ILEVEL, json=batch, auth=("demo", "demo-ilevel-api-key"))
        assert r.status_code == 200 and r.json()["allPassed"], r.text
        update = {"products": [{"product": "9876543210123", "quantity": 400 + i}]}
        assert front.post(root + CENTRA, json=update, headers=CENTRA_TOKEN).json() == {"status": "ok"}
    deadline = time.monotonic() + 10
    for i, name in enumerate(NAMES):
        while True:  # Ka-ching applies imports from its queue, a moment after accepting them
            state = front.get("/_sim/state", params={"sandbox": name}).json()
            kaching = state["ka-ching"]["accounts"]["demo-account"]["locations"]["stock_location_id"]["stock"]
            if kaching["product1"] == 200 + i or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert state["sandbox"] == name
        assert state["merchantpro"]["shops"]["demo"]["products"][0]["stock"] == 100 + i
        assert kaching == {"product1": 200 + i}
        [stock] = state["ilevel"]["tenants"]["demo"]["warehouses"][ILEVEL_WAREHOUSE]["stock"]
        assert stock["inStock"] == 300 + i
        items = {item["ean"]: item for item in state["centra"]["plugins"]["demo"]["items"]}
        assert items["9876543210123"]["physicalStock"] == 400 + i


def test_requests_without_a_sandbox_go_to_the_default_sandboxs_shard(cluster: Cluster, front: httpx.Client) -> None:
    home = cluster.shard_of("default", front)
    assert front.get("/_sim/health").json()["instance"] == home.name
    assert front.patch(MP_ITEM, json={"stock": 77}, auth=MP_AUTH).status_code == 200
    for worker in cluster.workers:
        r = httpx.get(worker.url + MP_ITEM, auth=MP_AUTH, trust_env=False)
        assert r.json()["stock"] == (77 if worker is home else 10), worker.name
    front.post("/_sim/reset").raise_for_status()


def test_every_way_of_naming_a_sandbox_reaches_its_shard(cluster: Cluster, front: httpx.Client) -> None:
    # Names that land on different workers, so a request routed to the wrong one answers 404 (no such sandbox).
    names = [f"forms-{i}" for i in range(12)]
    homes = {name: cluster.shard_of(name, front) for name in names}
    for name in names:
        created = front.post("/_sim/sandboxes", params={"name": name})
        assert (created.status_code, created.json()["instance"]) == (201, homes[name].name)
        for path, params in [
            (f"/_sim/sandboxes/{name}", {}),
            ("/_sim/journal", {"sandbox": name}),
            ("/_sim/faults", {"sandbox": name}),
            ("/_sim/clock", {"sandbox": name}),
            ("/_sim/apis", {"sandbox": name}),
        ]:
            assert front.get(path, params=params).status_code == 200, (path, name)
        assert front.post(f"/_sim/sandboxes/{name}/reset").status_code == 200
        assert front.delete(f"/_sim/sandboxes/{name}").status_code == 204
    assert len({w.name for w in homes.values()}) > 1


PLUGIN_TESTS = """
import os

import pytest


@pytest.mark.parametrize("i", range(12))
def test_a_sandbox_of_its_own(stock_sandbox, i):
    with open(os.environ["NAMES_FILE"], "a") as f:
        f.write(stock_sandbox.name + "\\n")
    item = "/merchantpro/demo/api/v2/inventory/id/10001"
    auth = tuple(stock_sandbox.credentials("merchantpro", "demo")[k] for k in ("username", "password"))
    assert stock_sandbox.client.patch(item, json={"stock": i}, auth=auth).status_code == 200
    assert stock_sandbox.client.get(item, auth=auth).json()["stock"] == i
    stock_sandbox.add_fault({"match": {"vendor": "merchantpro"}, "action": {"kind": "status", "status": 503}})
    assert stock_sandbox.client.get(item, auth=auth).status_code == 503
    stock_sandbox.verify({"vendor": "merchantpro", "method": "PATCH", "exactly": 1})
    assert len(stock_sandbox.journal()) == 3


@pytest.mark.stocksim_scenario("rate-limited-shop")
def test_a_marked_scenario(stock_sandbox):
    assert stock_sandbox.state()
"""


def test_the_pytest_plugin_works_unchanged_against_the_front(cluster: Cluster, tmp_path: Path) -> None:
    (tmp_path / "test_through_the_front.py").write_text(PLUGIN_TESTS)
    names = tmp_path / "names.txt"
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOCKSIM_")}
    # The plugin alone: the other plugins this environment installs (schemathesis, hypothesis, playwright) take
    # seconds to import. Loading it by its entry point is tests/test_packaging.py's concern.
    env |= {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "STOCKSIM_URL": cluster.front_url, "NAMES_FILE": str(names)}
    env["STOCKSIM_CONTROL_TOKEN"] = cluster.control_token
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "simulator.pytest_plugin", "."],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "13 passed" in done.stdout
    made = names.read_text().split()
    assert len(made) == 12
    assert len({cluster.shard_of(name).name for name in made}) > 1  # the plugin's sandboxes spread too
    # The plugin deleted its sandboxes, each on its own shard.
    merged = httpx.get(f"{cluster.front_url}/_sim/sandboxes?all=1", trust_env=False, headers=cluster.headers).json()
    assert not {s["name"] for s in merged["sandboxes"]} & set(made)


def test_the_workers_see_the_client_behind_the_proxy(cluster: Cluster, front: httpx.Client) -> None:
    """Two clients on different addresses (127.0.0.2 and 127.0.0.3 are loopback too): nginx appends each one's
    address to X-Forwarded-For, and the workers (--trust-proxy-headers) take that last entry, never one a client
    wrote itself."""
    assert trusts_proxy_headers(), "the workers run with --trust-proxy-headers (bench/cluster.py)"
    front.put("/_sim/sandboxes/lockout").raise_for_status()
    item = "/sandboxes/lockout" + MP_ITEM

    def client(address: str) -> httpx.Client:
        transport = httpx.HTTPTransport(local_address=address)
        return httpx.Client(base_url=cluster.front_url, transport=transport, trust_env=False, timeout=10)

    with client("127.0.0.2") as attacker, client("127.0.0.3") as neighbour:
        forged = {"X-Forwarded-For": "198.51.100.9"}  # the attacker pretends to be someone else: it changes nothing
        for _ in range(50):
            if attacker.get(item, auth=("demo-api-key", "wrong"), headers=forged).status_code == 403:
                break
        else:
            pytest.fail("50 failed sign-ins from one client never locked it out")
        assert attacker.get(item, auth=MP_AUTH).status_code == 403
        # Another client behind the same proxy is not locked out with it.
        assert neighbour.get(item, auth=MP_AUTH).status_code == 200
    # The journal names the client too (in a field of its own: the headers, which carry the forged one, do not).
    entries = front.get("/_sim/journal", params={"sandbox": "lockout"}).json()["entries"]
    assert {e["client"] for e in entries if e["method"] == "GET"} == {"127.0.0.2", "127.0.0.3"}
    front.delete("/_sim/sandboxes/lockout").raise_for_status()


def test_a_dead_worker_fails_only_its_own_sandboxes_until_it_restarts_on_its_db(
    cluster: Cluster, front: httpx.Client, placed: dict[str, Any]
) -> None:
    # Runs last in this module: it kills a worker (and brings it back).
    victim = next(w for w in cluster.workers if w is not cluster.shard_of("default", front))
    theirs = [n for n, d in placed.items() if d["instance"] == victim.name]
    assert front.patch(f"/sandboxes/{theirs[0]}{MP_ITEM}", json={"stock": 4242}, auth=MP_AUTH).status_code == 200
    victim.kill()

    answers = {name: front.get(f"/sandboxes/{name}{MP_ITEM}", auth=MP_AUTH) for name in NAMES}
    for name, r in answers.items():
        if name in theirs:
            assert r.status_code == 502, (name, r.status_code)
            assert r.headers["server"].startswith("nginx")
        else:
            assert r.status_code == 200, (name, r.status_code, r.text)
    # A second round: nginx did not mark the worker down and move its sandboxes to a shard that does not hold them.
    assert front.get(f"/_sim/sandboxes/{theirs[0]}").status_code == 502
    merged = front.get("/_sim/sandboxes", params={"all": "1"}).json()
    dead = [i for i in merged["instances"] if i["status"] != "ok"]
    assert [(i["url"], i["status"]) for i in dead] == [(victim.url, "unreachable")]
    assert {s["name"] for s in merged["sandboxes"]} == ({"default", *NAMES} - set(theirs))

    cluster.restart(victim)
    for name in NAMES:
        assert front.get(f"/sandboxes/{name}{MP_ITEM}", auth=MP_AUTH).status_code == 200, name
    assert front.get(f"/sandboxes/{theirs[0]}{MP_ITEM}", auth=MP_AUTH).json()["stock"] == 4242
