"""HTTP Basic with user name and API key, per tenant; refused before the body is read."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support import basic
from tests.vendors.ilevel.conftest import BATCH, DEMO, VARIANT_1, snapshot

pytestmark = pytest.mark.anyio
UNAUTHORIZED = {"allPassed": False, "error": "Invalid user name or API key", "results": []}
BODY = {"batchStock": {"item": [{"variant_id": VARIANT_1, "inStock": 50}]}}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        basic("demo", "wrong"),
        basic("wrong", "demo-ilevel-api-key"),
        basic("DEMO", "demo-ilevel-api-key"),
        basic("demo-ilevel-api-key", "demo"),
        {"Authorization": "Bearer demo-ilevel-api-key"},
        {"Authorization": "Basic not-base64!"},
        {"Authorization": "Basic ZGVtbw=="},  # "demo" with no colon
    ],
)
async def test_missing_or_wrong_credentials_are_401(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    before = await snapshot(client)
    for method, path in (("POST", BATCH), ("GET", "/ilevel/demo/api/warehouse"), ("GET", "/ilevel/demo/api/stock")):
        r = await client.request(method, path, json=BODY, headers=headers)
        assert (r.status_code, r.json()) == (401, UNAUTHORIZED)
        assert r.headers["www-authenticate"].startswith("Basic ")
    assert await snapshot(client) == before


async def test_credentials_are_refused_before_the_body_is_read(client: httpx.AsyncClient) -> None:
    # A body the server would refuse (malformed, and with a wrong warehouse): the credentials decide first.
    r = await client.post("/ilevel/demo/api/batchStock", content=b"{nonsense", headers=basic("demo", "x"))
    assert r.status_code == 401

    async def endless() -> AsyncIterator[bytes]:
        yield b'{"batchStock": {"item": ['
        raise AssertionError("the body was read")

    r = await client.post(BATCH, content=endless(), headers=basic("demo", "x"))
    assert (r.status_code, r.json()) == (401, UNAUTHORIZED)


async def test_right_credentials_pass(client: httpx.AsyncClient) -> None:
    r = await client.post(BATCH, json=BODY, headers=DEMO)
    assert (r.status_code, r.json()) == (200, {"allPassed": True, "results": []})
