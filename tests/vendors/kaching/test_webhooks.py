"""Export queues: each stock event is POSTed to the queue's webhook, retried with backoff, every attempt recorded.

The receiver is a small Starlette app on a real socket (127.0.0.1); the simulator runs in-process.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import anyio
import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support import app_for, free_port, in_process, served
from tests.vendors.kaching.conftest import ADJUST, LOC, STOCK, accepted, events, eventually, scenario

pytestmark = pytest.mark.anyio
# What /_sim/ka-ching/events lists beyond the webhook body.
BOOKKEEPING = {"account", "import_queue", "import_id", "count_before", "count_after"}


class Receiver:
    def __init__(self, statuses: list[int] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.received: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.times: list[float] = []
        self.app = Starlette(routes=[Route("/hook", self.hook, methods=["POST"])])

    async def hook(self, request: Request) -> Response:
        self.received.append(await request.json())
        self.headers.append(dict(request.headers))
        self.times.append(time.monotonic())
        return JSONResponse({}, self.statuses.pop(0) if self.statuses else 200)


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    r = Receiver()
    with served(r.app) as url:
        yield r, f"{url}/hook"


def export(url: str, attempts: int = 3, backoff: float = 0.1) -> str:
    return f"""      export_queues:
        - id: stock-events
          webhook_url: "{url}"
          retry: {{attempts: {attempts}, backoff_seconds: {backoff}}}
          timeout_seconds: 5"""


async def deliveries(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await client.get("/_sim/ka-ching/deliveries")).json()["deliveries"]
    return found


async def test_each_stock_event_is_posted_in_order(receiver: tuple[Receiver, str]) -> None:
    hook, url = receiver
    async with in_process(app_for(scenario(export=export(url)))) as client:
        await accepted(client, STOCK, {LOC: {"product1": 7, "product2": 8, "bad.id": 1}})

        async def delivered() -> bool:
            return len(await deliveries(client)) == 2

        await eventually(delivered)
        # The webhook body is the listed event without the simulator's bookkeeping.
        listed = await events(client)
        kept = [{k: v for k, v in e.items() if k not in BOOKKEEPING} for e in listed]
        assert hook.received == kept
        assert [(e["product_id"], e["new_stock_value"]) for e in hook.received] == [("product1", 7), ("product2", 8)]
        assert hook.headers[0]["content-type"] == "application/json"
        assert hook.headers[0]["x-export-queue"] == "stock-events"
        recorded = await deliveries(client)
        assert [(d["event_id"], d["attempt"], d["outcome"], d["status_code"], d["error"]) for d in recorded] == [
            (hook.received[0]["id"], 1, "delivered", 200, None),
            (hook.received[1]["id"], 1, "delivered", 200, None),
        ]
        assert recorded[0]["url"] == url
        assert recorded[0]["export_queue"] == "stock-events"
        assert recorded[0]["account"] == "demo-account"


async def test_failures_are_retried_with_exponential_backoff(receiver: tuple[Receiver, str]) -> None:
    hook, url = receiver
    hook.statuses = [500, 503]
    async with in_process(app_for(scenario(export=export(url, attempts=3, backoff=0.2)))) as client:
        await accepted(client, STOCK, {LOC: {"product1": 7, "product2": 8}})

        async def done() -> bool:
            return len(await deliveries(client)) == 4

        await eventually(done)
        recorded = await deliveries(client)
        first, second = hook.received[0]["id"], hook.received[-1]["id"]
        assert [(d["event_id"], d["attempt"], d["outcome"], d["status_code"], d["error"]) for d in recorded] == [
            (first, 1, "failed", 500, "HTTP 500"),
            (first, 2, "failed", 503, "HTTP 503"),
            (first, 3, "delivered", 200, None),
            (second, 1, "delivered", 200, None),
        ]
        # Waits of 0.2 s then 0.4 s; the second event waits for the first (the queue keeps order).
        gaps = [b - a for a, b in zip(hook.times, hook.times[1:], strict=False)]
        assert gaps[0] >= 0.19 and gaps[1] >= 0.39
        assert [e["product_id"] for e in hook.received] == ["product1", "product1", "product1", "product2"]


async def test_gives_up_after_the_attempts_and_moves_on(receiver: tuple[Receiver, str]) -> None:
    hook, url = receiver
    hook.statuses = [400, 400]
    async with in_process(app_for(scenario(export=export(url, attempts=2, backoff=0.05)))) as client:
        await accepted(client, STOCK, {LOC: {"product1": 7, "product2": 8}})

        async def done() -> bool:
            return len(await deliveries(client)) == 3

        await eventually(done)
        outcomes = [(d["attempt"], d["outcome"], d["status_code"]) for d in await deliveries(client)]
        assert outcomes == [(1, "failed", 400), (2, "failed", 400), (1, "delivered", 200)]


async def test_connection_errors_are_recorded_and_retried() -> None:
    url = f"http://127.0.0.1:{free_port()}/hook"  # nothing listens there
    async with in_process(app_for(scenario(export=export(url, attempts=2, backoff=0.05)))) as client:
        await accepted(client, STOCK, {LOC: {"product1": 7}})

        async def done() -> bool:
            return len(await deliveries(client)) == 2

        await eventually(done)
        recorded = await deliveries(client)
        assert [(d["attempt"], d["outcome"], d["status_code"]) for d in recorded] == [
            (1, "failed", None),
            (2, "failed", None),
        ]
        assert recorded[0]["error"].startswith("ConnectError")


async def test_deliveries_filters_and_reset(receiver: tuple[Receiver, str]) -> None:
    hook, url = receiver
    async with in_process(app_for(scenario(export=export(url)))) as client:
        await accepted(client, STOCK, {LOC: {"product1": 7, "product2": 8}})

        async def done() -> bool:
            return len(await deliveries(client)) == 2

        await eventually(done)
        event_id = hook.received[1]["id"]
        r = await client.get(f"/_sim/ka-ching/deliveries?event={event_id}&export_queue=stock-events")
        assert [d["event_id"] for d in r.json()["deliveries"]] == [event_id]
        r = await client.get("/_sim/ka-ching/deliveries?account=someone-else")
        assert r.json()["deliveries"] == []
        await client.post("/_sim/reset")
        assert await deliveries(client) == []


async def test_a_reset_stops_retrying_old_events(receiver: tuple[Receiver, str]) -> None:
    hook, url = receiver
    hook.statuses = [500] * 10
    async with in_process(app_for(scenario(export=export(url, attempts=5, backoff=0.3)))) as client:
        await accepted(client, STOCK, {LOC: {"product1": 7}})

        async def first_attempt() -> bool:
            return len(await deliveries(client)) == 1

        await eventually(first_attempt)
        await client.post("/_sim/reset")
        await anyio.sleep(1.2)  # the retries would have come at +0.3 s and +0.9 s
        assert len(hook.received) == 1
        assert await deliveries(client) == []


async def test_the_body_carries_kachings_own_field_names(receiver: tuple[Receiver, str]) -> None:
    """Ka-ching's export code (ka-ching-as/exportsjs, lib/ShopifyTransform.ts, ``exportStockEvent``) reads
    ``this.data.stock_location_id``, ``this.data.product_id``, ``this.data.variant_id``, and
    ``const adjustment = this.data.adjustment`` ... ``const newStockCount = this.data.new_stock_value``: an
    adjustment when ``adjustment`` is there, else a reset to ``new_stock_value``."""
    hook, url = receiver
    async with in_process(app_for(scenario(export=export(url)))) as client:
        await accepted(client, STOCK, {LOC: {"product1": 7, "product3": {"variant1": 4}}})
        await accepted(client, ADJUST, {LOC: {"product1": -2}})
        await accepted(client, STOCK, {LOC: {"product1": 0}}, method="DELETE")

        async def delivered() -> bool:
            return len(hook.received) == 4

        await eventually(delivered)
        reset, variant, adjustment, removal = hook.received
        assert reset == {
            "id": reset["id"],
            "type": "external_reset",
            "stock_location_id": LOC,
            "product_id": "product1",
            "variant_id": None,
            "new_stock_value": 7,
            "timestamp": reset["timestamp"],
        }
        assert (variant["product_id"], variant["variant_id"], variant["new_stock_value"]) == ("product3", "variant1", 4)
        assert "adjustment" not in variant
        # An adjustment carries the change, never a new count (exportStockEvent would take it for a reset).
        assert (adjustment["type"], adjustment["adjustment"]) == ("external_adjustment", -2)
        assert "new_stock_value" not in adjustment
        # Inferred: a removal is not a count of 0 ("Please not[e] the difference between setting the stock to 0
        # ... and removing the stock value"), so it carries neither; its type says what happened.
        assert removal["type"] == "external_removal"
        assert "new_stock_value" not in removal and "adjustment" not in removal
        # What only the simulator knows stays out of what a receiver sees.
        assert not BOOKKEEPING & {key for event in hook.received for key in event}


def export_with_headers(url: str, headers: str) -> str:
    return export(url, attempts=2, backoff=0.05) + f"\n          headers: {headers}"


async def test_export_queues_send_their_own_headers_on_every_attempt(receiver: tuple[Receiver, str]) -> None:
    """vendor-facts.md, "Ka-ching stock events as export integrations see them": "Export webhooks can carry custom
    HTTP headers, e.g. `Authorization: KachingKey <key>` (ka-ching-episerver-app README)"."""
    hook, url = receiver
    hook.statuses = [503]
    headers = '{Authorization: "KachingKey s3cr3t-key", X-Shop: north, User-Agent: my-exporter/1.0}'
    async with in_process(app_for(scenario(export=export_with_headers(url, headers)))) as client:
        await accepted(client, STOCK, {LOC: {"product1": 7}})

        async def retried() -> bool:
            return len(await deliveries(client)) == 2

        await eventually(retried)
        assert len(hook.headers) == 2
        for sent in hook.headers:  # the failed attempt and its retry alike
            assert sent["authorization"] == "KachingKey s3cr3t-key"
            assert sent["x-shop"] == "north"
            assert sent["user-agent"] == "my-exporter/1.0"
            assert (sent["content-type"], sent["x-export-queue"]) == ("application/json", "stock-events")
        # The delivery log shows which headers went, never their values (the scheme's name stays readable).
        r = await client.get("/_sim/ka-ching/deliveries")
        assert "s3cr3t-key" not in r.text and "north" not in r.text
        assert [d["headers"] for d in r.json()["deliveries"]] == [
            {"Authorization": "KachingKey ****", "X-Shop": "****", "User-Agent": "****"}
        ] * 2


@pytest.mark.parametrize(
    ("headers", "path", "words"),
    [
        ('{"Bad Name": x}', "Bad Name", "not a header name"),
        ("{Content-Type: text/plain}", "Content-Type", "set by the simulator"),
        ("{X-Export-Queue: other}", "X-Export-Queue", "set by the simulator"),
        ("{Authorization: a, authorization: b}", "authorization", "repeats Authorization"),
        ('{X-Key: "a\\r\\nX-Injected: 1"}', "X-Key", "no line breaks"),
        ('{X-Key: " padded"}', "X-Key", "printable ASCII"),
        ('{X-Key: "n\\u00e4me"}', "X-Key", "printable ASCII"),
        ("{X-Key: " + "k" * 9000 + "}", "", "at most 8192"),
    ],
)
async def test_bad_headers_are_refused_with_their_path(headers: str, path: str, words: str) -> None:
    async with in_process(app_for(scenario())) as client:
        text = scenario(export=export_with_headers("http://127.0.0.1:9/hook", headers))
        r = await client.post("/_sim/sandboxes", content=text, headers={"Content-Type": "application/yaml"})
        assert r.status_code == 400, r.text
        found = [(p["path"], p["message"]) for p in r.json()["error"]["problems"]]
        at = "$.ka_ching.accounts[0].export_queues[0].headers"
        assert any(p.startswith(at) and p.endswith(path) and words in m for p, m in found), found
        assert [s["name"] for s in (await client.get("/_sim/sandboxes")).json()["sandboxes"]] == ["default"]


async def test_too_many_headers_are_refused() -> None:
    many = "{" + ", ".join(f"X-H{i}: v" for i in range(33)) + "}"
    async with in_process(app_for(scenario())) as client:
        text = scenario(export=export_with_headers("http://127.0.0.1:9/hook", many))
        r = await client.post("/_sim/sandboxes", content=text, headers={"Content-Type": "application/yaml"})
        assert r.status_code == 400, r.text
        assert [(p["path"], p["message"]) for p in r.json()["error"]["problems"]] == [
            ("$.ka_ching.accounts[0].export_queues[0].headers", "at most 32 headers, got 33")
        ]
