"""Sandbox lifecycle over real sockets: a write that began against a sandbox never lands in another one created
later under the same name, deleting is idempotent, and a reset is all or nothing against in-flight writes.

A write is held between its headers and its body with ``Expect: 100-continue``: uvicorn answers ``100 Continue``
only once the handler asks for the body, so the test knows the server has resolved the sandbox and is waiting."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support import app_for, basic, served

pytestmark = pytest.mark.anyio
MP = basic("demo-api-key", "demo-api-secret")
ITEM = "/merchantpro/demo/api/v2/inventory/id/10001"  # stock 10 on the default scenario
KC_AUTH = "account=demo-account&integration=demo-queue&apikey=demo-apikey"
KC_ADJUST = f"/ka-ching/imports/stock?{KC_AUTH}&adjustment=true"
KC_LOC = "stock_location_id"  # product1: count 3 on the default scenario
CYCLES = 200


class RawConnection:
    """HTTP/1.1 on one keep-alive socket, by hand: a tenth of an httpx request's CPU, which lets the race test
    run its hundreds of cycles in a few seconds; and it can stop between a request's headers and its body."""

    def __init__(self, base: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.host, self.reader, self.writer = urlsplit(base).netloc, reader, writer

    @classmethod
    async def open(cls, base: str) -> RawConnection:
        url = urlsplit(base)
        assert url.hostname is not None and url.port is not None
        return cls(base, *await asyncio.open_connection(url.hostname, url.port))

    async def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: object = None
    ) -> tuple[int, Any]:
        raw = b"" if body is None else json.dumps(body).encode()
        self.send_head(method, path, headers or {}, len(raw))
        self.writer.write(raw)
        return await self.response()

    def send_head(self, method: str, path: str, headers: dict[str, str], length: int, expect: bool = False) -> None:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}", f"Content-Length: {length}"]
        lines += ["Content-Type: application/json", *(f"{k}: {v}" for k, v in headers.items())]
        lines += ["Expect: 100-continue"] if expect else []
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())

    async def response(self) -> tuple[int, Any]:
        head = (await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), 10)).decode("latin-1").lower()
        fields = dict(line.split(":", 1) for line in head.split("\r\n")[1:] if ":" in line)
        payload = await self.reader.readexactly(int(fields.get("content-length", "0")))
        is_json = "json" in fields.get("content-type", "")
        return int(head.split(" ", 2)[1]), json.loads(payload) if is_json else payload.decode("utf-8", "replace")

    def close(self) -> None:
        self.writer.close()


class HeldRequest:
    """A request whose headers the server has read, and whose body it waits for."""

    def __init__(self, conn: RawConnection, body: bytes) -> None:
        self.conn, self.body = conn, body

    @classmethod
    async def open(cls, base: str, method: str, path: str, headers: dict[str, str], body: bytes) -> HeldRequest:
        conn = await RawConnection.open(base)
        conn.send_head(method, path, headers, len(body), expect=True)
        interim = await asyncio.wait_for(conn.reader.readuntil(b"\r\n\r\n"), 5)
        assert interim.startswith(b"HTTP/1.1 100 "), interim
        return cls(conn, body)

    async def finish(self) -> tuple[int, Any]:
        self.conn.writer.write(self.body)
        try:
            return await self.conn.response()
        finally:
            self.conn.close()


async def mp_stock(c: httpx.AsyncClient, sandbox: str) -> int:
    r = await c.get(f"/sandboxes/{sandbox}{ITEM}", headers=MP)
    assert r.status_code == 200, r.text
    value: int = r.json()["stock"]
    return value


async def kc_account(c: httpx.AsyncClient, sandbox: str) -> dict[str, Any]:
    r = await c.get("/_sim/state", params={"sandbox": sandbox, "vendor": "ka-ching"})
    assert r.status_code == 200, r.text
    account: dict[str, Any] = r.json()["ka-ching"]["accounts"]["demo-account"]
    return account


async def created(c: httpx.AsyncClient, name: str) -> None:
    r = await c.post("/_sim/sandboxes", json={"name": name})
    assert r.status_code == 201, r.text


ILEVEL = (
    "/ilevel/demo/api/batchStock?warehouse_id=1571945CAB99744086F9FDFC9D9332D5",
    basic("demo", "demo-ilevel-api-key"),
    {"batchStock": {"item": [{"variant_id": "0A5EEDAF16F8D54486AB2AD7474B3994", "inStock": 99}]}},
)
CENTRA = (
    "/centra/demo/stock",
    {"API-Authorization": "demo-centra-api-token"},
    {"products": [{"product": "1234567890123", "quantity": 54}]},
)
WRITES = {
    "merchantpro": ("PATCH", ITEM, MP, {"stock": {"adjust_by": 5}}),
    "ka-ching": ("POST", KC_ADJUST, {}, {KC_LOC: {"product1": 5}}),
    "ilevel": ("POST", *ILEVEL),
    "centra": ("POST", *CENTRA),
}


def shape(body: Any) -> Any:
    """A JSON body's structure: its keys, not its values."""
    if isinstance(body, dict):
        return {k: shape(v) for k, v in body.items()}
    return type(body).__name__


@pytest.mark.parametrize("vendor", list(WRITES))
async def test_a_write_begun_before_a_delete_never_lands_in_the_sandbox_made_after(vendor: str) -> None:
    method, path, headers, body = WRITES[vendor]
    with served(app_for()) as base:
        async with httpx.AsyncClient(base_url=base) as c:
            await created(c, "ghost")
            held = await HeldRequest.open(base, method, f"/sandboxes/ghost{path}", headers, json.dumps(body).encode())
            assert (await c.delete("/_sim/sandboxes/ghost")).status_code == 204
            await created(c, "ghost")
            status, answer = await held.finish()
            # The vendor's own 404 for a sandbox that does not exist, saying why.
            unknown = await c.request(method, f"/sandboxes/nope{path}", headers=headers, json=body)
            assert (status, shape(answer)) == (404, shape(unknown.json())), answer
            assert "deleted" in json.dumps(answer)
            await created(c, "pristine")
            states = [(await c.get("/_sim/state", params={"sandbox": n})).json() for n in ("ghost", "pristine")]
            assert states[0] | {"sandbox": ""} == states[1] | {"sandbox": ""}


async def test_a_kaching_import_begun_before_a_delete_is_never_applied_to_the_sandbox_made_after() -> None:
    with served(app_for()) as base:
        async with httpx.AsyncClient(base_url=base) as c:
            await created(c, "ghost")
            held = await HeldRequest.open(
                base, "POST", f"/sandboxes/ghost{KC_ADJUST}", {}, json.dumps({KC_LOC: {"product1": 5}}).encode()
            )
            assert (await c.delete("/_sim/sandboxes/ghost")).status_code == 204
            await created(c, "ghost")
            status, body = await held.finish()
            assert status == 404, body
            account = await kc_account(c, "ghost")
            assert account["locations"][KC_LOC]["stock"]["product1"] == 3
            assert account["pending_imports"] == 0
            events = (await c.get("/_sim/ka-ching/events", params={"sandbox": "ghost"})).json()["events"]
            assert events == []


DELAYED = """
ka_ching:
  accounts:
    - id: slow
      processing_delay: 30
      import_queues: [{id: q, apikey: k}]
      stock_locations: [{id: shop}]
      products: [{id: p}]
      stock: [{location: shop, product: p, count: 1}]
"""


async def test_a_queued_import_belongs_to_its_sandbox_and_goes_with_it() -> None:
    with served(app_for(DELAYED)) as base:
        async with httpx.AsyncClient(base_url=base) as c:
            path = "/sandboxes/ghost/ka-ching/imports/stock?account=slow&integration=q&apikey=k&adjustment=true"
            await created(c, "ghost")
            held = await HeldRequest.open(base, "POST", path, {}, b'{"shop": {"p": 5}}')
            # One import queued and acknowledged in the old sandbox, one in flight while it is deleted.
            assert (await c.post(path, json={"shop": {"p": 2}})).status_code == 200
            assert (await c.delete("/_sim/sandboxes/ghost")).status_code == 204
            await created(c, "ghost")
            status, _ = await held.finish()
            assert status == 404
            assert (await c.post("/_sim/clock", params={"sandbox": "ghost"}, json={"advance": 60})).status_code == 200
            await asyncio.sleep(0.2)  # a few passes of the queue
            r = await c.get("/_sim/state", params={"sandbox": "ghost", "vendor": "ka-ching"})
            account = r.json()["ka-ching"]["accounts"]["slow"]
            assert (account["locations"]["shop"]["stock"], account["pending_imports"]) == ({"p": 1}, 0)


async def test_two_deletes_at_once_answer_204_and_404() -> None:
    with served(app_for()) as base:
        async with httpx.AsyncClient(base_url=base) as c:
            for n in range(40):
                await created(c, f"d{n}")
                statuses = await asyncio.gather(*(c.delete(f"/_sim/sandboxes/d{n}") for _ in range(2)))
                assert sorted(r.status_code for r in statuses) == [204, 404]
                assert next(r for r in statuses if r.status_code == 404).json()["error"]["code"] == "not_found"


async def test_writes_racing_deletes_never_reach_the_next_sandbox_of_the_same_name() -> None:
    # CYCLES cycles, spread over a few names at once: each cycle races writes against two deletes, then creates
    # the name again and finds it exactly as the scenario made it.
    names = [f"ghost{n}" for n in range(4)]
    outcomes: dict[int, int] = {200: 0, 404: 0}
    leaks: list[tuple[str, int, Any]] = []
    mp_adjust, kc_adjust = WRITES["merchantpro"], WRITES["ka-ching"]

    async def cycles(base: str, name: str) -> None:
        conns = [await RawConnection.open(base) for _ in range(6)]
        control = conns[0]
        assert (await control.request("POST", "/_sim/sandboxes", body={"name": name}))[0] == 201
        for cycle in range(CYCLES // len(names)):
            racing = [mp_adjust, kc_adjust, ("DELETE", "", {}, None)] * 2
            results = await asyncio.gather(
                *(
                    conn.request(method, f"/sandboxes/{name}{path}" if path else f"/_sim/sandboxes/{name}", h, b)
                    for conn, (method, path, h, b) in zip(conns, racing, strict=True)
                )
            )
            statuses = [status for status, _ in results]
            assert sorted((statuses[2], statuses[5])) == [204, 404], (name, cycle, results)
            for status in statuses[:2] + statuses[3:5]:
                assert status in outcomes, (name, cycle, results)
                outcomes[status] += 1
            assert (await control.request("POST", "/_sim/sandboxes", body={"name": name}))[0] == 201
            status, state = await control.request("GET", f"/_sim/state?sandbox={name}")
            assert status == 200, state
            products = state["merchantpro"]["shops"]["demo"]["products"]
            mp = next(p["stock"] for p in products if p["id"] == 10001)
            kc = state["ka-ching"]["accounts"]["demo-account"]["locations"][KC_LOC]["stock"]["product1"]
            if (mp, kc) != (10, 3):
                leaks.append((name, cycle, (mp, kc)))
        assert (await control.request("DELETE", f"/_sim/sandboxes/{name}"))[0] == 204
        for conn in conns:
            conn.close()

    with served(app_for()) as base:
        await asyncio.gather(*(cycles(base, name) for name in names))
    assert leaks == []
    # Both outcomes happened: the race was really run.
    assert outcomes[200] > 0 and outcomes[404] > 0, outcomes


WHOLE = """
merchantpro:
  shops:
    - name: mw
      api_key: k
      api_secret: s
      multi_warehouse: true
      warehouses: [{id: 1, name: A}, {id: 2, name: B}]
      products: [{id: 1, sku: ONE, price_net: 1, warehouses: [{id: 1, stock: 5}, {id: 2, stock: 5}]}]
"""


async def test_a_reset_wipes_earlier_writes_and_splits_none() -> None:
    url = "/merchantpro/mw/api/v2/inventory/id/1"
    with served(app_for(WHOLE)) as base:
        async with httpx.AsyncClient(base_url=base, auth=("k", "s"), timeout=30) as c:
            # Acknowledged before the reset: wiped by it.
            body = {"warehouses": [{"id": 1, "stock": 50}, {"id": 2, "stock": 50}]}
            assert (await c.patch(url, json=body)).status_code == 200
            assert (await c.post("/_sim/reset")).status_code == 200
            assert (await c.get(url)).json()["stock"] == 10
            for _ in range(30):
                bodies = [{"warehouses": [{"id": 1, "stock": n}, {"id": 2, "stock": n}]} for n in range(1, 7)]
                results = await asyncio.gather(*(c.patch(url, json=b) for b in bodies), c.post("/_sim/reset"))
                assert [r.status_code for r in results] == [200] * 7
                product = (await c.get(url)).json()
                stocks = {w["id"]: w["stock"] for w in product["warehouses"]}
                # Either nothing landed after the reset, or one whole write did: never one warehouse of it.
                assert stocks[1] == stocks[2], stocks
                assert product["stock"] == stocks[1] + stocks[2]


async def test_a_write_in_flight_across_a_reset_applies_to_the_reset_sandbox() -> None:
    # A reset keeps the sandbox (unlike a delete): a write that commits after it is a write to the fresh sandbox.
    with served(app_for()) as base:
        async with httpx.AsyncClient(base_url=base) as c:
            await created(c, "r")
            assert (await c.patch(f"/sandboxes/r{ITEM}", json={"stock": 40}, headers=MP)).status_code == 200
            held = await HeldRequest.open(base, "PATCH", f"/sandboxes/r{ITEM}", MP, b'{"stock": {"adjust_by": 5}}')
            assert (await c.post("/_sim/sandboxes/r/reset")).status_code == 200
            status, body = await held.finish()
            assert (status, body["stock"]) == (200, 15)
            assert await mp_stock(c, "r") == 15
