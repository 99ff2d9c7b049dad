"""Credentials are the query string: account, integration (an import queue) and that queue's apikey."""

from __future__ import annotations

import httpx
import pytest

from tests.vendors.kaching.conftest import IMPORT, queue_log

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
