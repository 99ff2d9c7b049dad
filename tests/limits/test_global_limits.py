"""Server-wide limits: how many sandboxes may exist, and the bytes all journals hold together."""

from __future__ import annotations

import pytest

from tests.support import app_for, in_process

pytestmark = pytest.mark.anyio

MP = ("demo-api-key", "demo-api-secret")
ITEM = "/merchantpro/demo/api/v2/inventory/sku/WMY71443LB2"


async def test_one_sandbox_past_the_limit_gets_507_naming_it() -> None:
    async with in_process(app_for(max_sandboxes=3)) as client:
        for name in ("a", "b"):
            assert (await client.post("/_sim/sandboxes", json={"name": name})).status_code == 201
        r = await client.post("/_sim/sandboxes", json={"name": "c"})
        assert r.status_code == 507
        assert r.json()["error"]["code"] == "insufficient_storage"
        assert "--max-sandboxes" in r.json()["error"]["message"]
        assert (await client.get("/_sim/sandboxes/c")).status_code == 404
        assert (await client.delete("/_sim/sandboxes/a")).status_code == 204
        assert (await client.post("/_sim/sandboxes", json={"name": "c"})).status_code == 201


async def test_journals_share_one_byte_budget_and_the_oldest_entries_go_first() -> None:
    body = {"stock": {"adjust_by": 1}, "pad": "x" * 4000}
    async with in_process(app_for(journal_bytes=40_000)) as client:
        for name in ("one", "two"):
            assert (await client.post("/_sim/sandboxes", json={"name": name})).status_code == 201
        for _ in range(10):
            for name in ("one", "two"):
                r = await client.patch(f"/sandboxes/{name}{ITEM}", json=body, auth=MP)
                # The vendor refuses the padding (400) on its own terms; a full budget never refuses anything.
                assert r.status_code == 400, r.text
        kept = {
            name: [e["id"] for e in (await client.get("/_sim/journal", params={"sandbox": name})).json()["entries"]]
            for name in ("one", "two")
        }
        # About 4.5 kB an entry: 8 fit in 40,000 bytes; the newest of both sandboxes are the ones kept.
        assert 6 <= len(kept["one"]) + len(kept["two"]) <= 9
        assert kept["one"][-1] == kept["two"][-1] == 10
        assert abs(len(kept["one"]) - len(kept["two"])) <= 1
        # A deleted sandbox's entries leave the budget: the other one can grow into it.
        assert (await client.delete("/_sim/sandboxes/one")).status_code == 204
        for _ in range(4):
            await client.patch(f"/sandboxes/two{ITEM}", json=body, auth=MP)
        entries = (await client.get("/_sim/journal", params={"sandbox": "two"})).json()["entries"]
        assert len(entries) >= 7
