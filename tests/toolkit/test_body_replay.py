"""A body that arrives in several ASGI messages, read ahead by the toolkit (a fault rule that matches items, or one
that answers before the vendor), reaches the vendor and the journal once, whole, in order."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support import app_for, basic, in_process

pytestmark = pytest.mark.anyio
AUTH = basic("demo-api-key", "demo-api-secret")
URL = "/merchantpro/demo/api/v2/inventory/id/10001"


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_a_chunked_body_read_ahead_reaches_the_vendor_once() -> None:
    async with in_process(app_for()) as c:
        rule = {"match": {"vendor": "merchantpro", "item": "nothing-matches"}, "action": {"kind": "drop"}}
        assert (await c.post("/_sim/faults", json=rule)).status_code == 201
        body = chunks(b'{"sto', b'ck": 4', b"2}")
        r = await c.patch(URL, content=body, headers={**AUTH, "Content-Type": "application/json"})
        assert r.status_code == 200, r.text
        assert r.json()["stock"] == 42
        [entry] = (await c.get("/_sim/journal")).json()["entries"]
        assert entry["body"] == '{"stock": 42}'


async def test_a_fault_answering_before_the_vendor_ends_on_a_bodiless_request() -> None:
    async with in_process(app_for()) as c:
        rule = {"match": {"vendor": "merchantpro"}, "when": {"first": 1}, "action": {"kind": "status", "status": 503}}
        assert (await c.post("/_sim/faults", json=rule)).status_code == 201
        assert (await c.get(URL, headers=AUTH)).status_code == 503
        assert (await c.get(URL, headers=AUTH)).status_code == 200
