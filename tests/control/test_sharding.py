"""What a proxy sharding by sandbox needs of the control plane: every sandbox named in the URL (PUT, POST ?name=),
each server naming itself (--instance-name), and one server merging its --peers' listings (?all=1)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulator.control import peers
from tests.control.test_sandboxes import SMALL, stock
from tests.support import app_for, free_port, in_process, served
from tests.vendors.merchantpro.conftest import DEMO

ITEM = "/merchantpro/demo/api/v2/inventory/id/10001"


@pytest.mark.anyio
async def test_put_creates_once_then_leaves_the_sandbox_as_it_is(client: httpx.AsyncClient) -> None:
    first = await client.put("/_sim/sandboxes/ci-1")
    assert first.status_code == 201, first.text
    assert first.json()["root_url"] == "http://sim.test/sandboxes/ci-1"
    await client.patch(f"/sandboxes/ci-1{ITEM}", json={"stock": 3}, headers=DEMO)
    again = await client.put("/_sim/sandboxes/ci-1")
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    assert await stock(client, "/sandboxes/ci-1") == 3  # the retried PUT changed nothing

    # The default sandbox exists on the server's scenario: PUT is a no-op there too.
    assert (await client.put("/_sim/sandboxes/default")).status_code == 200


@pytest.mark.anyio
async def test_put_on_a_scenario_is_idempotent_per_scenario(client: httpx.AsyncClient) -> None:
    yaml = {"Content-Type": "application/yaml"}
    made = await client.put("/_sim/sandboxes/small", content=SMALL, headers=yaml)
    assert made.status_code == 201, made.text
    assert made.json()["scenario"]["name"] == "small"
    assert (await client.put("/_sim/sandboxes/small", json={"scenario": SMALL})).status_code == 200
    # The same name on another scenario (here the server's, as no body asks for one) is a conflict, not a swap.
    other = await client.put("/_sim/sandboxes/small")
    assert other.status_code == 409
    assert "DELETE it first" in other.json()["error"]["message"]
    # A name in the body must be the path's: a proxy routed the request by the path.
    wrong = await client.put("/_sim/sandboxes/small", json={"name": "elsewhere"})
    assert wrong.status_code == 400
    assert "'elsewhere'" in wrong.json()["error"]["message"]
    assert (await client.put("/_sim/sandboxes/-bad-")).status_code == 400
    assert (await client.get("/_sim/sandboxes/elsewhere")).status_code == 404


@pytest.mark.anyio
async def test_post_names_the_sandbox_in_the_query(client: httpx.AsyncClient) -> None:
    r = await client.post("/_sim/sandboxes", params={"name": "q1"}, json={})
    assert (r.status_code, r.json()["name"]) == (201, "q1")
    assert (await client.post("/_sim/sandboxes", params={"name": "q2"}, json={"name": "q2"})).status_code == 201
    assert (await client.post("/_sim/sandboxes", params={"name": "q5"}, json={"name": None})).json()["name"] == "q5"
    clash = await client.post("/_sim/sandboxes", params={"name": "q3"}, json={"name": "q4"})
    assert clash.status_code == 400
    names = {s["name"] for s in (await client.get("/_sim/sandboxes")).json()["sandboxes"]}
    assert names == {"default", "q1", "q2", "q5"}


@pytest.mark.anyio
async def test_every_answer_names_the_instance() -> None:
    async with in_process(app_for(instance_name="shard-7")) as c:
        assert (await c.get("/_sim/health")).json()["instance"] == "shard-7"
        listing = (await c.get("/_sim/sandboxes")).json()
        assert listing["instance"] == "shard-7"
        assert [s["instance"] for s in listing["sandboxes"]] == ["shard-7"]
        assert "instances" not in listing
        assert (await c.put("/_sim/sandboxes/x")).json()["instance"] == "shard-7"
    async with in_process(app_for(port=9123)) as c:
        assert (await c.get("/_sim/health")).json()["instance"] == f"{socket.gethostname()}:9123"


@pytest.fixture
def silent_peer() -> Iterator[str]:
    """A peer that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()


def test_one_server_merges_its_peers_listings_and_reports_the_dead(
    silent_peer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(peers, "PEER_TIMEOUT_SECONDS", 0.5)
    token = {"Authorization": "Bearer s3cret"}
    dead = f"http://127.0.0.1:{free_port()}"
    with served(app_for(instance_name="b", control_token="s3cret")) as b_url:
        httpx.put(f"{b_url}/_sim/sandboxes/on-b", headers=token).raise_for_status()
        # The same --peers list for every instance: "a" finds itself in it by the name its own answer carries.
        port_a = free_port()
        a_peers = (f"http://127.0.0.1:{port_a}", b_url, dead, silent_peer)
        app_a = app_for(instance_name="a", control_token="s3cret", peers=a_peers)
        with served(app_a, port_a) as a_url:
            httpx.put(f"{a_url}/_sim/sandboxes/on-a", headers=token).raise_for_status()
            own = httpx.get(f"{a_url}/_sim/sandboxes", headers=token).json()
            assert {s["name"] for s in own["sandboxes"]} == {"default", "on-a"}

            started = time.monotonic()
            merged = httpx.get(f"{a_url}/_sim/sandboxes", params={"all": "1"}, headers=token, timeout=10)
            took = time.monotonic() - started
    assert merged.status_code == 200, merged.text
    body = merged.json()
    assert body["instance"] == "a"
    found = sorted((s["instance"], s["name"]) for s in body["sandboxes"])
    assert found == [("a", "default"), ("a", "on-a"), ("b", "default"), ("b", "on-b")]
    # Peers describe their sandboxes with the Host the client used: URLs the client can reach.
    on_b = next(s for s in body["sandboxes"] if s["name"] == "on-b")
    assert on_b["root_url"] == f"{a_url}/sandboxes/on-b"
    status = {(i["url"], i["status"]) for i in body["instances"]}
    assert status == {(None, "ok"), (b_url, "ok"), (dead, "unreachable"), (silent_peer, "unreachable")}
    assert body["instances"][0] == {"instance": "a", "url": None, "status": "ok", "sandboxes": 2}
    slow = next(i for i in body["instances"] if i["url"] == silent_peer)
    assert "0.5 s" in slow["error"]
    assert took < 3  # the silent peer cost its timeout, once, alongside the others


def test_a_peer_that_refuses_the_token_or_is_not_a_simulator_is_an_error() -> None:
    async def not_a_listing(request: Request) -> Response:
        return JSONResponse({"sandboxes": "none here"})

    stranger = Starlette(routes=[Route("/_sim/sandboxes", not_a_listing)])
    with (
        served(app_for(control_token="other")) as guarded,
        served(stranger) as other,
        served(app_for(peers=(guarded, other))) as url,
    ):
        body = httpx.get(f"{url}/_sim/sandboxes?all=true").json()
    by_url = {i["url"]: i for i in body["instances"]}
    assert (by_url[guarded]["status"], by_url[other]["status"]) == ("error", "error")
    assert "401" in by_url[guarded]["error"]
    assert "listing" in by_url[other]["error"]
    assert [s["name"] for s in body["sandboxes"]] == ["default"]


@pytest.mark.anyio
async def test_all_takes_a_flag(client: httpx.AsyncClient) -> None:
    assert "instances" in (await client.get("/_sim/sandboxes?all=1")).json()
    assert "instances" not in (await client.get("/_sim/sandboxes?all=0")).json()
    assert (await client.get("/_sim/sandboxes?all=maybe")).status_code == 400
