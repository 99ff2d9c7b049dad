"""The journal page and its live stream: filters as GET /_sim/journal takes them, one entry in full with its
credentials masked and its curl command, new entries over server-sent events."""

from __future__ import annotations

import html
import json
import time

import httpx
import pytest

from simulator.ui import journal
from tests.support import app_for, basic, served
from tests.ui.support import MP_AUTH, SCENARIO, UI, post

pytestmark = pytest.mark.anyio
PRODUCT = "/merchantpro/shop/api/v2/inventory/id/1"


async def test_filters_and_fault_marks(ui: httpx.AsyncClient) -> None:
    await ui.get(PRODUCT, headers=basic(*MP_AUTH))
    await ui.get(PRODUCT, headers=basic("shop-key", "wrong"))
    await ui.post(
        "/_sim/faults",
        json={"match": {"vendor": "merchantpro"}, "when": {"first": 1}, "action": {"kind": "status", "status": 502}},
    )
    await ui.get(PRODUCT, headers=basic(*MP_AUTH))
    everything = (await ui.get(f"{UI}/sandboxes/default/journal")).text
    assert everything.count("<tr data-id=") == 3
    assert (await ui.get(f"{UI}/sandboxes/default/journal?status=401")).text.count("<tr data-id=") == 1
    faulted = (await ui.get(f"{UI}/sandboxes/default/journal?fault=true")).text
    assert faulted.count('<tr data-id="3" class="faulted">') == 1 and faulted.count("<tr data-id=") == 1
    assert (await ui.get(f"{UI}/sandboxes/default/journal?vendor=centra")).text.count("<tr data-id=") == 0
    bad = await ui.get(f"{UI}/sandboxes/default/journal?status=lots")
    assert bad.status_code == 200 and "invalid query parameter status" in bad.text


async def test_an_entry_in_full_with_credentials_masked(ui: httpx.AsyncClient) -> None:
    r = await ui.patch(PRODUCT, json={"stock": 4}, headers={**basic(*MP_AUTH), "X-Trace": "t-1"})
    assert r.status_code == 200
    page = (await ui.get(f"{UI}/sandboxes/default/journal/1")).text
    assert "Basic ****" in page and "shop-secret" not in page and basic(*MP_AUTH)["Authorization"] not in page
    assert "x-trace" in page and "&#34;stock&#34;: 4" in page
    curl = html.unescape(page.split('<pre class="curl"><code>', 1)[1].split("</code>", 1)[0])
    assert curl.startswith("curl -sS -X PATCH ") and " -H 'authorization: Basic ****' " in curl
    assert " -H 'x-trace: t-1' " in curl and " -H 'host:" not in curl
    assert curl.endswith(f"--data-raw '{{\"stock\":4}}' http://sim.test{PRODUCT}")
    assert "data-copy=" in page


def test_the_stream_sends_new_entries_and_ends_when_the_sandbox_goes() -> None:
    with served(app_for(SCENARIO)) as url, httpx.Client(base_url=url, timeout=10) as c:
        c.post("/_sim/sandboxes", json={"name": "live"})
        c.get(f"/sandboxes/live{PRODUCT}", auth=MP_AUTH)  # before the stream: not sent again
        stream = f"{UI}/sandboxes/live/journal/stream?after=1&vendor=merchantpro"
        with c.stream("GET", stream) as events:
            assert events.headers["content-type"].startswith("text/event-stream")
            assert "content-length" not in events.headers
            lines = events.iter_lines()
            assert next(lines) == f"retry: {journal.RETRY_MS}"
            sent = time.monotonic()
            c.get(f"/sandboxes/live{PRODUCT}?x=1", auth=MP_AUTH)
            data = next(line for line in lines if line.startswith("data: "))
            assert time.monotonic() - sent < 1.0
            entry = json.loads(data.removeprefix("data: "))
            assert (entry["id"], entry["method"], entry["status"], entry["account"]) == (2, "GET", 200, "shop")
            assert entry["href"] == f"{UI}/sandboxes/live/journal/2"
            c.delete("/_sim/sandboxes/live")
            assert next(line for line in lines if line.startswith("event: ")) == "event: gone"


def test_a_reconnecting_stream_resumes_after_the_last_event_it_saw() -> None:
    with served(app_for(SCENARIO)) as url, httpx.Client(base_url=url, timeout=10) as c:
        for _ in range(3):
            c.get(PRODUCT, auth=MP_AUTH)
        stream = f"{UI}/sandboxes/default/journal/stream?after=0"
        with c.stream("GET", stream, headers={"Last-Event-ID": "2"}) as events:
            data = next(line for line in events.iter_lines() if line.startswith("data: "))
            assert json.loads(data.removeprefix("data: "))["id"] == 3


async def test_a_stream_with_a_bad_filter_is_refused(ui: httpx.AsyncClient) -> None:
    r = await ui.get(f"{UI}/sandboxes/default/journal/stream?method=FETCH")
    assert r.status_code == 400 and "method" in r.text


async def test_clearing_the_journal(ui: httpx.AsyncClient) -> None:
    await ui.get(PRODUCT, headers=basic(*MP_AUTH))
    page = await post(ui, "/sandboxes/default/journal/clear")
    assert "Journal cleared" in page.text and page.text.count("<tr data-id=") == 0
