"""Fault rule ids are unique per sandbox: an automatic id never equals one a user gave, so deleting by id removes
exactly one rule."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.anyio
RULE = {"match": {"vendor": "merchantpro"}, "action": {"kind": "status", "status": 503}}


async def ids(client: httpx.AsyncClient) -> list[str]:
    return [r["id"] for r in (await client.get("/_sim/faults")).json()["faults"]]


async def test_an_automatic_id_skips_the_ids_users_gave(client: httpx.AsyncClient) -> None:
    assert (await client.post("/_sim/faults", json={**RULE, "id": "rule-2"})).status_code == 201
    assert (await client.post("/_sim/faults", json=RULE)).status_code == 201
    assert (await client.post("/_sim/faults", json=RULE)).status_code == 201
    found = await ids(client)
    assert len(set(found)) == len(found) == 3
    assert (await client.delete("/_sim/faults/rule-2")).status_code == 204
    assert len(await ids(client)) == 2


async def test_an_automatic_id_skips_the_ids_named_later_in_the_same_batch(client: httpx.AsyncClient) -> None:
    r = await client.post("/_sim/faults", json=[RULE, {**RULE, "id": "rule-1"}, RULE])
    assert r.status_code == 201, r.text
    installed = [rule["id"] for rule in r.json()["installed"]]
    assert installed[1] == "rule-1"
    assert len(set(installed)) == 3
    assert installed == await ids(client)


async def test_a_users_id_that_an_automatic_one_took_is_a_conflict(client: httpx.AsyncClient) -> None:
    assert (await client.post("/_sim/faults", json=RULE)).json()["installed"][0]["id"] == "rule-1"
    r = await client.post("/_sim/faults", json={**RULE, "id": "rule-1"})
    assert r.status_code == 409
    assert await ids(client) == ["rule-1"]
