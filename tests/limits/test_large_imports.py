"""Large vendor bodies never hold the event loop: a big Ka-ching import is decoded on a worker thread and applied on
the store's; past --kaching-import-values it gets Ka-ching's 413, and each queue's log keeps its newest
--kaching-log-entries entries."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.loopprobe import probe
from tests.support import app_for, in_process, served
from tests.vendors.kaching.conftest import LOC, STOCK, queue_log, scenario

pytestmark = pytest.mark.anyio
CENTRA = {"API-Authorization": "demo-centra-api-token"}


def _body(n: int) -> dict[str, dict[str, int]]:
    return {LOC: {f"p{i:06d}": i for i in range(n)}}


def test_a_large_import_does_not_stall_the_loop() -> None:
    # Encoded before the probe starts: the server runs in this process, and the client's own encoding would hold
    # the GIL against the probe and the server alike, measuring the test rather than the server.
    body = json.dumps(_body(60_000)).encode()
    with served(app_for(scenario())) as url, httpx.Client(base_url=url, timeout=120) as client:
        with probe(url, "Ka-ching import of 60,000 values") as running:
            r = client.post(STOCK, content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 200, r.text
        assert r.json()["message"] == "Import of 60000 stock value(s) initiated"
        assert running.p99_ms < 100, f"p99 {running.p99_ms:.0f} ms"


async def test_past_the_limit_an_import_gets_413_naming_it_and_nothing_is_queued() -> None:
    async with in_process(app_for(scenario(), kaching_import_values=5)) as client:
        r = await client.post(STOCK, json=_body(6))
        assert r.status_code == 413
        assert r.json()["status"] == "ERROR"
        assert "--kaching-import-values" in r.json()["message"]
        assert (await queue_log(client))["imports"] == []
        assert (await client.post(STOCK, json=_body(5))).status_code == 200


async def test_each_queue_log_keeps_its_newest_entries() -> None:
    async with in_process(app_for(scenario(), kaching_log_entries=7)) as client:
        for _ in range(3):
            assert (await client.post(STOCK, json=_body(5))).status_code == 200
        log = await queue_log(client)
        entries = log["success"] + log["failure"]
        assert len(entries) == 7
        assert sorted(e["id"] for e in entries)[0] == 9  # 15 logged, the first 8 gone


def _centra(n: int) -> dict[str, list[dict[str, object]]]:
    return {"products": [{"product": f"{i:013d}", "quantity": 1} for i in range(n)]}


def test_a_large_centra_update_does_not_stall_the_loop() -> None:
    body = json.dumps(_centra(50_000)).encode()  # before the probe, as above
    with served(app_for()) as url, httpx.Client(base_url=url, timeout=120) as client:
        with probe(url, "Centra update of 50,000 products") as running:
            r = client.post("/centra/demo/stock", content=body, headers={**CENTRA, "Content-Type": "application/json"})
        assert r.status_code == 200, r.text
        assert len(r.json()["errors"]["productsNotFound"]) == 50_000
        assert running.p99_ms < 100, f"p99 {running.p99_ms:.0f} ms"


async def test_past_the_limit_a_centra_update_gets_413_naming_it() -> None:
    async with in_process(app_for(centra_update_products=2)) as client:
        r = await client.post("/centra/demo/stock", json=_centra(3), headers=CENTRA)
        assert r.status_code == 413
        assert "--centra-update-products" in r.text
        assert (await client.post("/centra/demo/stock", json=_centra(2), headers=CENTRA)).status_code == 200
