"""A sandbox whose scenario generates a large i.LEVEL catalog is seeded off the event loop: the server keeps
answering while it is built (loop probe), and the catalog is served once the sandbox is created.

`make fuzz` generates 1,000,000 variants (the most one i.LEVEL block may; about 45 s on 2 cores), `make test`
200,000. The server runs as its own process (tests/limits/server.py), so its loop is measured alone."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from simulator.scenarios.ilevel import generated_id
from tests.limits.server import InMemory
from tests.loopprobe import probe
from tests.support import free_port

COUNT = 1_000_000 if os.environ.get("STOCKSIM_FUZZ") == "1" else 200_000
WAREHOUSE = "1571945CAB99744086F9FDFC9D9332D5"
WH = {"warehouse_id": WAREHOUSE}
AUTH = ("gen-user", "gen-key")
SCENARIO = {
    "name": "generated",
    "ilevel": {
        "tenants": [
            {
                "name": "big",
                "username": AUTH[0],
                "api_key": AUTH[1],
                "warehouses": [{"id": WAREHOUSE, "name": "Main"}],
                "generate": {"count": COUNT, "seed": 3},
            }
        ]
    },
}


def test_a_generated_catalog_is_seeded_off_the_loop_and_served(tmp_path: Path) -> None:
    server = InMemory("default", free_port(), tmp_path / "server.log")
    server.start()
    try:
        with httpx.Client(base_url=server.base, timeout=600) as client:
            with probe(server.base, f"i.LEVEL generate of {COUNT:,} in POST /_sim/sandboxes") as running:
                r = client.post("/_sim/sandboxes", json={"name": "big", "scenario": SCENARIO})
            assert r.status_code == 201, r.text
            assert running.p99_ms < 100, f"p99 {running.p99_ms:.0f} ms"
            base = "/sandboxes/big/ilevel/big/api"
            # The last variant generated, by its code, and the first, by its barcode: both are in the catalog.
            items = [{"code": f"GEN-{COUNT:07d}", "inStock": 7}, {"barcode": "29" + f"{1:011d}", "inStock": 8}]
            r = client.post(f"{base}/batchStock", params=WH, json={"batchStock": {"item": items}}, auth=AUTH)
            assert r.json() == {"allPassed": True, "results": []}, r.text
            r = client.get(f"{base}/stock", params={**WH, "pagesize": 10}, auth=AUTH)
            stock = {s["fk_variant"]: s["inStock"] for s in r.json()["response"]["stock"]}
            assert stock == {generated_id(3, COUNT): 7, generated_id(3, 1): 8}
            # Not in the catalog: one past the last.
            items = [{"code": f"GEN-{COUNT + 1:07d}", "inStock": 1}]
            r = client.post(f"{base}/batchStock", params=WH, json={"batchStock": {"item": items}}, auth=AUTH)
            assert r.json()["allPassed"] is False
    finally:
        server.stop()
