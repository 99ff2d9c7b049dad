"""/_sim/ka-ching/: stock events with filters, the queue logs, and stock in /_sim/state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.vendors.kaching.conftest import ADJUST, LOC, STOCK, accepted, events

pytestmark = pytest.mark.anyio


async def fill(client: httpx.AsyncClient) -> None:
    await accepted(client, STOCK, {LOC: {"product1": 5, "product2": 6}, "warehouse": {"product1": 1}})
    await accepted(client, ADJUST, {LOC: {"product1": 2}})
    await accepted(client, STOCK, {"warehouse": {"product1": 0}}, method="DELETE")


async def test_event_filters(client: httpx.AsyncClient) -> None:
    await fill(client)
    every = await events(client)
    assert [(e["type"], e["stock_location_id"], e["product_id"]) for e in every] == [
        ("external_reset", LOC, "product1"),
        ("external_reset", LOC, "product2"),
        ("external_reset", "warehouse", "product1"),
        ("external_adjustment", LOC, "product1"),
        ("external_removal", "warehouse", "product1"),
    ]
    assert [e["id"] for e in await events(client, "?location=warehouse")] == [every[2]["id"], every[4]["id"]]
    assert [e["id"] for e in await events(client, "?product=product2")] == [every[1]["id"]]
    assert [e["id"] for e in await events(client, "?type=external_adjustment")] == [every[3]["id"]]
    assert len(await events(client, "?account=demo-account")) == 5
    assert await events(client, "?account=nobody") == []
    assert [e["id"] for e in await events(client, f"?since={every[2]['id']}")] == [every[3]["id"], every[4]["id"]]
    assert [e["id"] for e in await events(client, "?limit=2")] == [every[0]["id"], every[1]["id"]]
    assert await events(client, "?location=warehouse&product=product2") == []


async def test_since_a_time(client: httpx.AsyncClient) -> None:
    await fill(client)
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    earlier = (datetime.now(UTC) - timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
    assert await events(client, f"?since={later.replace('+', '%2B')}") == []
    assert len(await events(client, f"?since={earlier}")) == 5


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?since=yesterday", "since must be an event id or an ISO-8601 time with a zone, got 'yesterday'"),
        ("?since=2026-01-01T00:00:00", "since must carry a time zone (e.g. a trailing Z), got '2026-01-01T00:00:00'"),
        ("?limit=0", "limit must be a whole number from 1 to 1000000, got '0'"),
    ],
)
async def test_bad_event_queries(client: httpx.AsyncClient, query: str, message: str) -> None:
    r = await client.get(f"/_sim/ka-ching/events{query}")
    assert r.status_code == 400
    assert r.json() == {"error": {"code": "bad_request", "message": message}}


async def test_queue_log_of_an_unknown_queue_is_404(client: httpx.AsyncClient) -> None:
    r = await client.get("/_sim/ka-ching/queues/nope/log")
    assert r.status_code == 404
    assert r.json() == {"error": {"code": "not_found", "message": "no import queue 'nope'"}}
    r = await client.get("/_sim/ka-ching/queues/demo-queue/log?account=other")
    assert r.status_code == 404
    r = await client.get("/_sim/ka-ching/events?sandbox=nope")
    assert r.status_code == 404


async def test_queue_log_entries(client: httpx.AsyncClient) -> None:
    await accepted(client, STOCK, {LOC: {"product1": 5, "a/b": 1}})
    r = await client.get("/_sim/ka-ching/queues/demo-queue/log?account=demo-account")
    log = r.json()
    assert log["sandbox"] == "default" and log["integration"] == "demo-queue"
    (ok,) = log["success"]
    (failed,) = log["failure"]
    assert ok == {
        "id": ok["id"],
        "account": "demo-account",
        "import_id": ok["import_id"],
        "stock_location_id": LOC,
        "product_id": "product1",
        "variant_id": None,
        "value": 5,
        "message": "stock count set to 5",
        "timestamp": ok["timestamp"],
    }
    assert failed["product_id"] == "a/b" and failed["import_id"] == ok["import_id"]
    (access,) = log["accesses"]
    assert access == {
        "account": "demo-account",
        "method": "POST",
        "client": "127.0.0.1",
        "status": 200,
        "timestamp": ok["timestamp"],
    }
    assert log["imports"] == [
        {"id": ok["import_id"], "account": "demo-account", "kind": "reset", "values": 2, "applied": True}
    ]


async def test_state_lists_stock_per_location(client: httpx.AsyncClient) -> None:
    r = await client.get("/_sim/state?vendor=ka-ching")
    assert r.json() == {
        "sandbox": "default",
        "ka-ching": {
            "accounts": {
                "demo-account": {
                    "locations": {
                        "stock_location_id": {"name": "Demo shop", "stock": {"product1": 3}},
                        "warehouse": {
                            "name": "Demo warehouse",
                            "stock": {"product1": 40, "product3": {"variant1": 12}},
                        },
                    },
                    "records": 3,
                    "pending_imports": 0,
                }
            }
        },
    }
