"""HEAD on the inventory resource answers as GET without a body (RFC 9110 9.3.2: "identical to GET except that the
server MUST NOT send content"); the resource's Allow header lists it beside GET and PATCH."""

from __future__ import annotations

import httpx
import pytest

from tests.vendors.merchantpro.conftest import DEMO

pytestmark = pytest.mark.anyio
BASE = "/merchantpro/demo/api/v2/inventory"


@pytest.mark.parametrize("path", [f"{BASE}/id/10001", f"{BASE}/sku/TShirt.Blk.XL", f"{BASE}/sku/Mug%2FRed%20350ml"])
async def test_head_is_get_without_the_body(client: httpx.AsyncClient, path: str) -> None:
    got = await client.get(path, headers=DEMO)
    head = await client.head(path, headers=DEMO)
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-type"] == got.headers["content-type"] == "application/json"
    assert head.headers["content-length"] == str(len(got.content))


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        (f"{BASE}/id/99999", DEMO, 404),
        ("/merchantpro/demo/api/v2/elsewhere", DEMO, 404),
        ("/merchantpro/nope/api/v2/inventory/id/10001", DEMO, 404),
        (f"{BASE}/id/10001", {}, 401),
    ],
)
async def test_head_errors_are_gets_errors_without_the_body(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], status: int
) -> None:
    got = await client.get(path, headers=headers)
    head = await client.head(path, headers=headers)
    assert (got.status_code, head.status_code, head.content) == (status, status, b"")
    assert head.headers.get("www-authenticate") == got.headers.get("www-authenticate")


async def test_head_changes_nothing_and_allow_names_it(client: httpx.AsyncClient) -> None:
    before = (await client.get("/_sim/state")).json()
    await client.head(f"{BASE}/id/10001", headers=DEMO)
    assert (await client.get("/_sim/state")).json() == before
    r = await client.delete(f"{BASE}/id/10001", headers=DEMO)
    assert (r.status_code, r.headers["allow"]) == (405, "GET, HEAD, PATCH")
