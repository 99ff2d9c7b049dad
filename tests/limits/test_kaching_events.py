"""Ka-ching's stock events are bounded per sandbox (--kaching-events): the oldest go first, as an event feed's
retention would. Ids keep counting, so a reader polling ``since`` sees the gap; webhooks already queued for an
evicted event still go out, while a reset still stops them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import app_for, in_process, served
from tests.vendors.kaching.conftest import LOC, STOCK, accepted, events, eventually, scenario
from tests.vendors.kaching.test_webhooks import Receiver, deliveries, export

pytestmark = pytest.mark.anyio


def _body(start: int, n: int) -> dict[str, dict[str, int]]:
    return {LOC: {f"p{i:03d}": i for i in range(start, start + n)}}


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    r = Receiver()
    with served(r.app) as url:
        yield r, f"{url}/hook"


async def test_a_sandbox_keeps_its_newest_events() -> None:
    async with in_process(app_for(scenario(), kaching_events=7)) as client:
        for start in (0, 5, 10):
            await accepted(client, STOCK, _body(start, 5))
        kept = await events(client)
        assert [e["product_id"] for e in kept] == [f"p{i:03d}" for i in range(8, 15)]
        first = kept[0]["id"]
        # The ids go on from where they were: a reader that had seen event first-2 finds a gap, not a renumbering.
        assert [e["id"] for e in kept] == list(range(first, first + 7))
        assert [e["id"] for e in await events(client, f"?since={first - 5}")] == [e["id"] for e in kept]
        # Another sandbox has a budget of its own.
        assert (await client.post("/_sim/sandboxes", json={"name": "other"})).status_code == 201
        await accepted(client, f"/sandboxes/other{STOCK}", _body(0, 3))
        assert len(await events(client, "?sandbox=other")) == 3
        assert len(await events(client)) == 7
        # A reset starts the count afresh.
        assert (await client.post("/_sim/reset")).status_code == 200
        await accepted(client, STOCK, _body(20, 4))
        assert [e["product_id"] for e in await events(client)] == [f"p{i:03d}" for i in range(20, 24)]


async def test_one_import_larger_than_the_bound_keeps_its_newest_events() -> None:
    async with in_process(app_for(scenario(), kaching_events=3)) as client:
        await accepted(client, STOCK, _body(0, 10))
        assert [e["product_id"] for e in await events(client)] == ["p007", "p008", "p009"]
        stock = (await client.get("/_sim/state?vendor=ka-ching")).json()["ka-ching"]["accounts"]["demo-account"]
        assert stock["locations"][LOC]["stock"]["p000"] == 0  # every value was applied, whatever the events kept


async def test_webhooks_of_evicted_events_still_go_out(receiver: tuple[Receiver, str]) -> None:
    hook, url = receiver
    async with in_process(app_for(scenario(export=export(url)), kaching_events=2)) as client:
        await accepted(client, STOCK, _body(0, 6))

        async def delivered() -> bool:
            return len(hook.received) == 6

        await eventually(delivered)
        assert [e["product_id"] for e in hook.received] == [f"p{i:03d}" for i in range(6)]
        assert len(await events(client)) == 2
        # The next eviction takes the evicted events' delivery records with them.
        await accepted(client, STOCK, _body(6, 1))
        await eventually(lambda: _count(hook, 7))
        kept = {e["id"] for e in await events(client)}
        assert {d["event_id"] for d in await deliveries(client)} <= kept | {hook.received[-1]["id"]}


async def _count(hook: Receiver, n: int) -> bool:
    return len(hook.received) == n
