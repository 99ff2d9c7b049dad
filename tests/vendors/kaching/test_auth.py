"""Credentials are the query string: account, integration (an import queue) and that queue's apikey."""

from __future__ import annotations

import httpx
import pytest

from tests.support import app_for, in_process
from tests.vendors.kaching.conftest import IMPORT, LOC, queue_log

pytestmark = pytest.mark.anyio

UNAUTHORIZED = {
    "status": "ERROR",
    "message": "Unauthorized: the account, integration and apikey query parameters do not match an import queue",
}
BAD = [
    "",
    "account=demo-account&integration=demo-queue",
    "account=demo-account&apikey=demo-apikey",
    "integration=demo-queue&apikey=demo-apikey",
    "account=demo-account&integration=demo-queue&apikey=wrong",
    "account=demo-account&integration=demo-queue&apikey=",
    "account=demo-account&integration=demo-queue&apikey=DEMO-APIKEY",
    "account=other&integration=demo-queue&apikey=demo-apikey",
    "account=demo-account&integration=nope&apikey=demo-apikey",
    "account=Demo-Account&integration=demo-queue&apikey=demo-apikey",
]


@pytest.mark.parametrize("query", BAD)
@pytest.mark.parametrize("method", ["POST", "DELETE"])
async def test_refused_before_the_body_is_read(client: httpx.AsyncClient, query: str, method: str) -> None:
    # The body is malformed too: the 401 shows credentials are checked before anything is parsed.
    r = await client.request(method, f"{IMPORT}?{query}", content=b"{not json")
    assert r.status_code == 401
    assert r.json() == UNAUTHORIZED
    log = await queue_log(client)
    assert (log["imports"], log["accesses"]) == ([], [])  # a refused sign-in names no queue to log it on


async def test_each_key_opens_only_its_own_queue() -> None:
    from tests.support import app_for, in_process
    from tests.vendors.kaching.conftest import scenario

    async with in_process(app_for(scenario())) as client:
        r = await client.post(f"{IMPORT}?account=demo-account&integration=other-queue&apikey=demo-apikey", json={})
        assert r.status_code == 401
        r = await client.post(
            f"{IMPORT}?account=demo-account&integration=other-queue&apikey=other-apikey",
            json={"warehouse": {"product1": 1}},
        )
        assert r.status_code == 200
        assert len((await queue_log(client, "other-queue"))["success"]) == 1
        assert (await queue_log(client, "demo-queue"))["success"] == []


KEYS = """
name: kaching-keys
ka_ching:
  accounts:
    - id: demo-account
      import_queues:
        - {id: demo-queue, apikey: first-key, apikeys: [second-key, third-key]}
        - {id: list-only, apikeys: [list-key]}
        - {id: single, apikey: single-key}
      stock_locations: [{id: stock_location_id}]
"""


async def test_any_of_a_queues_api_keys_opens_it() -> None:
    """developers.ka-ching.dk/import-queues-authentication (vendor-facts.md): "For each import queue, any number of
    API keys can be created"; "Each API key grants access to one import queue"."""
    async with in_process(app_for(KEYS)) as client:
        for queue, key in [
            ("demo-queue", "first-key"),
            ("demo-queue", "second-key"),
            ("demo-queue", "third-key"),
            ("list-only", "list-key"),
            ("single", "single-key"),
        ]:
            r = await client.post(
                f"{IMPORT}?account=demo-account&integration={queue}&apikey={key}", json={LOC: {"product1": 1}}
            )
            assert r.status_code == 200, (queue, key, r.text)
        # A key opens its own queue only.
        for queue, key in [("list-only", "first-key"), ("demo-queue", "list-key"), ("single", "second-key")]:
            r = await client.post(
                f"{IMPORT}?account=demo-account&integration={queue}&apikey={key}", json={LOC: {"product1": 1}}
            )
            assert (r.status_code, r.json()) == (401, UNAUTHORIZED)
        apis = {
            a["integration"]: a for a in (await client.get("/_sim/apis")).json()["apis"] if a["vendor"] == "ka-ching"
        }
        assert {queue: api["apikeys"] for queue, api in apis.items()} == {
            "demo-queue": ["first-key", "second-key", "third-key"],
            "list-only": ["list-key"],
            "single": ["single-key"],
        }
        assert (apis["demo-queue"]["auth"]["apikey"], apis["list-only"]["auth"]["apikey"]) == ("first-key", "list-key")
        # The journal masks every one of them, whichever opened the queue.
        journal = (await client.get("/_sim/journal", params={"vendor": "ka-ching"})).json()["entries"]
        assert len(journal) == 8 and {e["query"]["apikey"] for e in journal} == {"****"}
        text = (await client.get("/_sim/journal")).text
        for key in ("first-key", "second-key", "third-key", "list-key", "single-key"):
            assert key not in text


@pytest.mark.parametrize(
    ("queue", "path", "message"),
    [
        ("{id: q}", "", "an import queue needs an API key: give apikey, or a list in apikeys"),
        ("{id: q, apikeys: []}", "", "an import queue needs an API key: give apikey, or a list in apikeys"),
        ("{id: q, apikey: k1, apikeys: [k2, k1]}", ".apikeys[1]", "this API key is already listed for the queue"),
        ("{id: q, apikeys: [k2, k2]}", ".apikeys[1]", "this API key is already listed for the queue"),
    ],
)
async def test_a_queue_needs_a_key_and_keys_are_listed_once(queue: str, path: str, message: str) -> None:
    async with in_process(app_for()) as client:
        text = f"ka_ching:\n  accounts:\n    - id: a\n      import_queues: [{queue}]\n"
        r = await client.post("/_sim/sandboxes", content=text, headers={"Content-Type": "application/yaml"})
        assert r.status_code == 400, r.text
        found = [(p["path"], p["message"]) for p in r.json()["error"]["problems"]]
        assert found == [(f"$.ka_ching.accounts[0].import_queues[0]{path}", message)]
        assert not any(key in m for key in ("k1", "k2") for _, m in found)  # it names the place, not the key
