"""Fault rules at scale: matching costs about the same at 10 or tens of thousands of rules, and a sandbox holds no
more than --max-fault-rules."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.loopprobe import probe
from tests.support import app_for, served

MP = ("demo-api-key", "demo-api-secret")
ITEM = "/merchantpro/demo/api/v2/inventory/sku/WMY71443LB2"
MANY = 40_000  # past fnmatch's own cache of 32,768 patterns


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with served(app_for(max_fault_rules=MANY + 10)) as url:
        yield url


def _rules(n: int, prefix: str) -> list[dict[str, object]]:
    # Each names the request's vendor and account, with its own glob that the request does not match.
    return [
        {"match": {"vendor": "merchantpro", "account": "demo", "path": f"/{prefix}/{i}/*"}, "action": {"kind": "drop"}}
        for i in range(n)
    ]


def test_a_request_among_tens_of_thousands_of_rules_does_not_stall_the_loop(server: str) -> None:
    with httpx.Client(base_url=server, timeout=60) as client:
        assert client.post("/_sim/sandboxes", json={"name": "many"}).status_code == 201
        r = client.post("/_sim/faults", params={"sandbox": "many"}, json=_rules(MANY, "nope"))
        assert r.status_code == 201, r.text
        catch = {
            "match": {"vendor": "merchantpro", "path": "/api/v2/inventory/sku/*"},
            "action": {"kind": "status", "status": 503},
        }
        assert client.post("/_sim/faults", params={"sandbox": "many"}, json=catch).status_code == 201
        with probe(server, "40,000 fault rules") as running:
            started = time.perf_counter()
            for _ in range(20):
                r = client.get(f"/sandboxes/many{ITEM}", auth=MP)
                assert r.status_code == 503  # the last rule still matches: the index keeps every rule reachable
            per_request = (time.perf_counter() - started) / 20
        assert per_request < 0.1, f"{per_request * 1000:.0f} ms per request"
        assert running.p99_ms < 100, f"p99 {running.p99_ms:.0f} ms"
        listed = client.get("/_sim/faults", params={"sandbox": "many"}).json()["faults"]
        assert [f["calls"] for f in listed[-1:]] == [20]


def test_past_the_limit_rules_are_refused_naming_it() -> None:
    with served(app_for(max_fault_rules=3)) as url, httpx.Client(base_url=url, timeout=10) as client:
        assert client.post("/_sim/faults", json=_rules(2, "a")).status_code == 201
        r = client.post("/_sim/faults", json=_rules(2, "b"))
        assert r.status_code == 422
        error = r.json()["error"]
        assert error["code"] == "limit_exceeded"
        assert "--max-fault-rules" in error["message"] and "3" in error["message"]
        assert len(client.get("/_sim/faults").json()["faults"]) == 2  # nothing of the refused batch
        assert client.post("/_sim/faults", json=_rules(1, "c")).status_code == 201
