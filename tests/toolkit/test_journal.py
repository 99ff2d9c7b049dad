"""The request journal (masked, filtered, bounded, per sandbox) and verification against expectations."""

from __future__ import annotations

import anyio
import httpx
import pytest

from tests.support import app_for, in_process
from tests.toolkit.conftest import MP, Box

QUEUE = {"account": "demo-account", "integration": "demo-queue", "apikey": "demo-apikey"}


def test_entries_record_request_response_and_mask_credentials(box: Box) -> None:
    box.patch()
    httpx.put(
        f"{box.root}/centra/demo/stock",
        headers={"API-Authorization": "demo-centra-api-token"},
        json={"products": [{"product": "1234567890123", "quantity": 2}]},
    )
    httpx.post(f"{box.root}/ka-ching/imports/stock", params=QUEUE, json={"stock_location_id": {"product1": 3}})
    mp, centra, kaching = box.journal()
    assert (mp["vendor"], mp["account"], mp["method"], mp["path"], mp["status"]) == (
        "merchantpro",
        "demo",
        "PATCH",
        "/api/v2/inventory/sku/WMY71443LB2",
        200,
    )
    assert mp["body"] == '{"stock":{"adjust_by":1}}'
    assert '"stock":11' in mp["response_body"]
    assert mp["headers"]["authorization"] == "Basic ****"
    assert centra["headers"]["api-authorization"] == "****"
    assert kaching["account"] == "demo-account" and kaching["path"] == "/imports/stock"
    assert kaching["query"] == {"account": "demo-account", "integration": "demo-queue", "apikey": "****"}
    text = box.sim("GET", "/_sim/journal").text
    for secret in ("demo-api-secret", "demo-centra-api-token", "demo-apikey", "ZGVtby1hcGkta2V5"):
        assert secret not in text
    assert mp["time"].endswith("Z") and mp["latency_ms"] > 0


def test_filters(box: Box) -> None:
    box.patch()
    httpx.get(f"{box.root}/merchantpro/demo/api/v2/inventory/id/99", auth=MP)
    httpx.get(f"{box.root}/merchantpro/demo/api/v2/inventory/id/10001", auth=("x", "y"))
    assert [e["status"] for e in box.journal(method="GET")] == [404, 401]
    assert [e["status"] for e in box.journal(status=404)] == [404]
    assert len(box.journal(path="/api/v2/inventory/id/*")) == 2
    assert len(box.journal(body_contains="adjust_by")) == 1
    assert len(box.journal(limit=1)) == 1
    assert box.sim("GET", "/_sim/journal", params={"status": "abc"}).status_code == 400


def test_verify_passes_and_fails_with_an_explanation(box: Box) -> None:
    box.patch()
    box.patch()
    ok = box.sim(
        "POST",
        "/_sim/verify",
        json={
            "expect": [
                {"vendor": "merchantpro", "method": "PATCH", "exactly": 2},
                {"method": "PATCH", "body_contains": "adjust_by", "at_least": 1, "at_most": 2},
                {"method": "DELETE", "exactly": 0},
            ]
        },
    )
    assert ok.status_code == 200 and ok.json()["ok"] is True
    bad = box.sim("POST", "/_sim/verify", json={"expect": [{"vendor": "merchantpro", "method": "PATCH", "exactly": 1}]})
    assert bad.status_code == 417
    assert "expected exactly 1 matching request(s), found 2" in bad.json()["message"]
    assert "#1 PATCH /api/v2/inventory/sku/WMY71443LB2 -> 200" in bad.json()["message"]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"expect": [{"exactly": -1}]}, "$.expect[0].exactly"),
        ({"expect": [{"exactly": 1, "at_least": 1}]}, "$.expect[0]"),
        ({"expect": [{"methd": "GET"}]}, "$.expect[0].methd"),
        ({"expect": "all"}, "$.expect"),
        ({}, "$"),
    ],
)
def test_bad_expectations_name_the_path(box: Box, body: object, path: str) -> None:
    r = box.sim("POST", "/_sim/verify", json=body)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["problems"][0]["path"] == path


@pytest.mark.anyio
async def test_the_journal_is_bounded_and_reset_clears_it() -> None:
    async with in_process(app_for(journal_size=3)) as c:
        for i in range(5):
            await c.get(f"/merchantpro/demo/api/v2/inventory/id/{10001 + i}", auth=MP)
        entries = (await c.get("/_sim/journal")).json()["entries"]
        assert [e["id"] for e in entries] == [3, 4, 5]
        await c.post("/_sim/reset")
        assert (await c.get("/_sim/journal")).json()["entries"] == []


@pytest.mark.anyio
async def test_control_plane_requests_are_not_journaled() -> None:
    async with in_process(app_for()) as c:
        await c.get("/_sim/state")
        await c.get("/_sim/apis")
        assert (await c.get("/_sim/journal")).json()["total"] == 0


def test_two_sandboxes_used_at_the_same_time_do_not_see_each_other(server: str) -> None:
    for name in ("left", "right"):
        assert httpx.post(f"{server}/_sim/sandboxes", json={"name": name}).status_code == 201
    left, right = Box(server, "left"), Box(server, "right")
    left.add(
        {
            "match": {"vendor": "merchantpro", "method": "PATCH"},
            "when": {"every": 2},
            "action": {"kind": "status", "status": 503},
        }
    )

    async def hammer(box: Box, n: int, out: list[int]) -> None:
        async with httpx.AsyncClient(base_url=box.root, auth=MP) as c:
            for _ in range(n):
                r = await c.patch(
                    "/merchantpro/demo" + "/api/v2/inventory/sku/WMY71443LB2", json={"stock": {"adjust_by": 1}}
                )
                out.append(r.status_code)

    async def both() -> tuple[list[int], list[int]]:
        a: list[int] = []
        b: list[int] = []
        async with anyio.create_task_group() as tg:
            tg.start_soon(hammer, left, 20, a)
            tg.start_soon(hammer, right, 20, b)
        return a, b

    a, b = anyio.run(both)
    assert a.count(503) == 10 and b == [200] * 20
    assert left.stock() == 20 and right.stock() == 30
    assert len(left.journal()) == 21 and len(right.journal()) == 21
    assert right.sim("GET", "/_sim/faults").json()["faults"] == []
    left.control.close()
    right.control.close()
