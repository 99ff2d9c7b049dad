"""After a large Ka-ching import, its stock events go to the export queues' webhooks without holding the event loop:
they are handed over in bulk (a put per event held it for 200 ms at 100,000), and the webhook client is made on a
worker thread (importing httpx and building its TLS context held it for 0.3-1 s on the first webhook).

The server runs as its own process (``stocksim serve``, in memory), so the loop measured is the server's alone: in
this process the receiver and the test's own objects would share its interpreter and its pauses. The account has a
processing delay, so the probe watches the queue worker apply the import and dispatch its events, not the upload."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.limits.server import InMemory
from tests.loopprobe import probe
from tests.support import free_port, served
from tests.vendors.kaching.conftest import LOC, STOCK, scenario
from tests.vendors.kaching.test_webhooks import Receiver, export

VALUES = 100_000
DELIVERED = 500  # delivering them all takes minutes; the first few hundred show them flowing


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    r = Receiver()
    with served(r.app) as url:
        yield r, f"{url}/hook"


def test_dispatching_a_large_imports_events_does_not_stall_the_loop(
    receiver: tuple[Receiver, str], tmp_path: Path
) -> None:
    hook, url = receiver
    scenario_file = tmp_path / "scenario.yaml"
    scenario_file.write_text(scenario(delay=1, export=export(url)))
    server = InMemory(scenario_file, free_port(), tmp_path / "server.log")
    server.start()
    try:
        body = json.dumps({LOC: {f"p{i:06d}": i for i in range(VALUES)}}).encode()
        with httpx.Client(base_url=server.base, timeout=120) as client:
            r = client.post(STOCK, content=body, headers={"Content-Type": "application/json"})
            assert r.status_code == 200, r.text
            with probe(server.base, f"webhooks of a {VALUES:,}-value Ka-ching import") as running:
                deadline = time.monotonic() + 120
                while len(hook.received) < DELIVERED:
                    assert time.monotonic() < deadline, f"{len(hook.received)} webhooks in 120 s"
                    time.sleep(0.05)
    finally:
        server.stop()
    assert [e["product_id"] for e in hook.received[:3]] == ["p000000", "p000001", "p000002"]
    assert running.p99_ms < 100, f"p99 {running.p99_ms:.0f} ms"
    # One stall is one slow sample, which a p99 over a thousand hides, so the slowest answer is bounded too. Handing
    # the events over one by one and importing httpx for the first webhook on the loop made it 707 ms on a quiet
    # machine; fixed, it stayed under 200 ms there, and reached 274 ms under a load average of 9 on 2 cores.
    assert running.worst_ms < 500, f"slowest answer {running.worst_ms:.0f} ms"
