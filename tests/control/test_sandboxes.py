"""Sandboxes: isolated worlds on one server; reset, create (from the loaded or a posted scenario), delete."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.vendors.merchantpro.conftest import DEMO

pytestmark = pytest.mark.anyio
ITEM = "/api/v2/inventory/id/10001"

SMALL = """
name: small
merchantpro:
  shops:
    - name: tiny
      api_key: k
      api_secret: s
      products: [{id: 7, sku: SEVEN, stock: 70, price_net: 10}]
"""


async def stock(client: httpx.AsyncClient, prefix: str = "") -> int:
    r = await client.get(f"{prefix}/merchantpro/demo{ITEM}", headers=DEMO)
    assert r.status_code == 200, r.text
    value: int = r.json()["stock"]
    return value


async def test_writes_are_isolated_between_sandboxes(client: httpx.AsyncClient) -> None:
    r = await client.post("/_sim/sandboxes", json={"name": "a"})
    assert r.status_code == 201, r.text
    assert r.json()["root_url"] == "http://sim.test/sandboxes/a"
    assert (await client.post("/_sim/sandboxes", json={"name": "b"})).status_code == 201
    await client.patch(f"/sandboxes/a/merchantpro/demo{ITEM}", json={"stock": 111}, headers=DEMO)
    await client.patch(f"/sandboxes/b/merchantpro/demo{ITEM}", json={"stock": {"adjust_by": 5}}, headers=DEMO)
    assert await stock(client, "/sandboxes/a") == 111
    assert await stock(client, "/sandboxes/b") == 15
    assert await stock(client) == 10
    state_a = (await client.get("/_sim/state", params={"sandbox": "a"})).json()
    assert state_a["merchantpro"]["shops"]["demo"]["products"][0]["stock"] == 111


async def test_reset_restores_the_scenario_and_only_that_sandbox(client: httpx.AsyncClient) -> None:
    await client.post("/_sim/sandboxes", json={"name": "a"})
    await client.patch(f"/merchantpro/demo{ITEM}", json={"stock": 1, "price_net": 5}, headers=DEMO)
    await client.patch(f"/sandboxes/a/merchantpro/demo{ITEM}", json={"stock": 2}, headers=DEMO)
    assert (await client.post("/_sim/reset")).json() == {"sandbox": "default", "reset": True}
    r = await client.get(f"/merchantpro/demo{ITEM}", headers=DEMO)
    assert (r.json()["stock"], r.json()["price_net"]) == (10, 1428.57)
    assert await stock(client, "/sandboxes/a") == 2
    assert (await client.post("/_sim/sandboxes/a/reset")).status_code == 200
    assert await stock(client, "/sandboxes/a") == 10


async def test_sandbox_from_posted_yaml_and_json(client: httpx.AsyncClient) -> None:
    r = await client.post("/_sim/sandboxes?name=y", content=SMALL, headers={"Content-Type": "application/yaml"})
    assert r.status_code == 201, r.text
    assert [a["account"] for a in r.json()["apis"]] == ["tiny"]
    r = await client.get("/sandboxes/y/merchantpro/tiny/api/v2/inventory/sku/SEVEN", auth=("k", "s"))
    assert r.json()["stock"] == 70
    # The posted scenario's shops are not in the default sandbox, and the default's are not in y.
    assert (await client.get("/merchantpro/tiny/api/v2/inventory/sku/SEVEN", auth=("k", "s"))).status_code == 404
    assert (await client.get(f"/sandboxes/y/merchantpro/demo{ITEM}", headers=DEMO)).status_code == 404
    scenario = {
        "merchantpro": {
            "shops": [
                {
                    "name": "j",
                    "api_key": "k",
                    "api_secret": "s",
                    "products": [{"id": 1, "sku": "ONE", "price_gross": 11.9}],
                }
            ]
        }
    }
    r = await client.post("/_sim/sandboxes", json={"name": "j", "scenario": scenario})
    assert r.status_code == 201, r.text
    r = await client.get("/sandboxes/j/merchantpro/j/api/v2/inventory/id/1", auth=("k", "s"))
    assert r.json()["price_net"] == 10.0
    r = await client.post("/_sim/sandboxes", json={"name": "t", "scenario": SMALL})
    assert r.status_code == 201


async def test_list_get_delete(client: httpx.AsyncClient) -> None:
    created = (await client.post("/_sim/sandboxes", json={})).json()
    name = created["name"]
    assert name.startswith("sb-")
    names = [s["name"] for s in (await client.get("/_sim/sandboxes")).json()["sandboxes"]]
    assert names == ["default", name]
    assert (await client.get(f"/_sim/sandboxes/{name}")).json()["name"] == name
    assert (await client.delete(f"/_sim/sandboxes/{name}")).status_code == 204
    assert (await client.get(f"/_sim/sandboxes/{name}")).status_code == 404
    assert (await client.get(f"/sandboxes/{name}/merchantpro/demo{ITEM}", headers=DEMO)).status_code == 404


async def test_deleting_a_posted_scenarios_last_sandbox_drops_its_rows(client: httpx.AsyncClient) -> None:
    await client.post("/_sim/sandboxes?name=y", content=SMALL, headers={"Content-Type": "application/yaml"})
    await client.post("/_sim/sandboxes?name=z", content=SMALL, headers={"Content-Type": "application/yaml"})
    await client.delete("/_sim/sandboxes/y")
    r = await client.get("/sandboxes/z/merchantpro/tiny/api/v2/inventory/sku/SEVEN", auth=("k", "s"))
    assert r.json()["stock"] == 70, "z still uses the scenario y shared"
    await client.delete("/_sim/sandboxes/z")
    state = client._transport.app.state  # type: ignore[attr-defined]

    def count(conn):  # type: ignore[no-untyped-def]
        return conn.execute("SELECT count(*) FROM scenarios").fetchone()[0]

    assert await state.store.run(count) == 1


@pytest.mark.parametrize(
    ("request_kwargs", "status", "words"),
    [
        ({"json": {"name": "default"}}, 409, "already exists"),
        ({"json": {"name": "bad name!"}}, 400, "must match"),
        ({"json": {"name": "trailing-newline\n"}}, 400, "must match"),
        ({"json": {"name": "x" * 65}}, 400, "must match"),
        ({"json": {"name": 5}}, 400, "$.name: expected a string, found the number 5"),
        ({"json": {"nam": "x"}}, 400, "optional fields"),
        ({"json": [1]}, 400, "optional fields"),
        ({"content": b"{oops", "headers": {"Content-Type": "application/json"}}, 400, "malformed JSON"),
        ({"content": b"x", "headers": {"Content-Type": "text/csv"}}, 400, "Content-Type"),
        ({"content": b"merchantpro: [", "headers": {"Content-Type": "application/yaml"}}, 400, "YAML syntax"),
        ({"json": {"scenario": {"merchantpro": {"shops": [{"name": "x"}]}}}}, 400, "api_key"),
    ],
)
async def test_bad_creation_requests(
    client: httpx.AsyncClient,
    request_kwargs: dict[str, Any],
    status: int,
    words: str,
) -> None:
    r = await client.post("/_sim/sandboxes", **request_kwargs)
    assert r.status_code == status, r.text
    assert words in r.json()["error"]["message"]
    assert len((await client.get("/_sim/sandboxes")).json()["sandboxes"]) == 1


async def test_scenario_errors_over_the_control_plane_name_path_and_line(client: httpx.AsyncClient) -> None:
    bad = SMALL.replace("stock: 70", "stock: -70")
    r = await client.post("/_sim/sandboxes", content=bad, headers={"Content-Type": "application/yaml"})
    assert r.status_code == 400
    (problem,) = r.json()["error"]["problems"]
    assert problem["path"] == "$.merchantpro.shops[0].products[0].stock"
    assert problem["line"] == 8
    assert ">= 0" in problem["message"]


async def test_default_sandbox_cannot_be_deleted_and_unknown_is_404(client: httpx.AsyncClient) -> None:
    assert (await client.delete("/_sim/sandboxes/default")).status_code == 409
    assert (await client.delete("/_sim/sandboxes/nope")).status_code == 404
    assert (await client.post("/_sim/reset", params={"sandbox": "nope"})).status_code == 404
    assert (await client.get("/_sim/state", params={"sandbox": "nope"})).json()["error"]["code"] == "not_found"
