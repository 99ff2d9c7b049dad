"""A fifth vendor, declared in tests/ only (vendor.py), registered through create_app(vendors=...): the core gives it
sandboxes, reset, the journal with its credential masked, faults and rate limits in its own error shape,
/_sim/apis, /_sim/state and its OpenAPI document, with no file under simulator/ naming it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest

from simulator.app import create_app
from simulator.config import Settings
from simulator.scenarios.loader import ScenarioError, load_text, registered
from simulator.vendors import VENDORS
from tests.support import ROOT, in_process
from tests.vendors.acme.vendor import ACME, SECTION

pytestmark = pytest.mark.anyio

SCENARIO = """
name: acme
acme:
  stores:
    - name: north
      key: n-secret
      stock: {A-1: 5, B-2: 0}
    - name: south
      key: s-secret
      stock: {A-1: 9}
"""
KEY = {"X-Acme-Key": "n-secret"}
PARTS = (*registered(), SECTION)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(), load_text(SCENARIO, "acme.yaml", parts=PARTS), vendors=(*VENDORS, ACME))
    async with in_process(app) as c:
        yield c


def test_no_file_under_simulator_names_the_fifth_vendor() -> None:
    for path in (ROOT / "simulator").rglob("*.py"):
        assert "acme" not in path.read_text(encoding="utf-8").lower(), path


async def test_its_endpoint_answers_and_refuses_in_its_own_shape(client: httpx.AsyncClient) -> None:
    r = await client.get("/acme/north/stock/A-1", headers=KEY)
    assert (r.status_code, r.json()) == (200, {"sku": "A-1", "quantity": 5})
    r = await client.get("/acme/north/stock/A-1", headers={"X-Acme-Key": "wrong"})
    assert (r.status_code, r.json()) == (401, {"fault": {"status": 401, "reason": "missing or wrong X-Acme-Key"}})
    r = await client.delete("/acme/north/stock/A-1", headers=KEY)
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD, PUT" and r.json()["fault"]["status"] == 405
    r = await client.get("/acme//stock/A-1", headers=KEY)  # outside every route: the core answers in Acme's shape
    assert r.status_code == 404 and set(r.json()) == {"fault"}


async def test_reset_brings_its_table_back_to_the_scenario(client: httpx.AsyncClient) -> None:
    r = await client.put("/acme/north/stock/A-1", headers=KEY, json={"quantity": 42})
    assert r.json() == {"sku": "A-1", "quantity": 42}
    assert (await client.get("/_sim/state", params={"vendor": "acme"})).json()["acme"]["stores"]["north"]["A-1"] == 42
    assert (await client.post("/_sim/reset")).status_code == 200
    assert (await client.get("/acme/north/stock/A-1", headers=KEY)).json()["quantity"] == 5


async def test_sandboxes_are_isolated(client: httpx.AsyncClient) -> None:
    assert (await client.post("/_sim/sandboxes", json={"name": "other"})).status_code == 201
    await client.put("/sandboxes/other/acme/north/stock/A-1", headers=KEY, json={"quantity": 1})
    assert (await client.get("/sandboxes/other/acme/north/stock/A-1", headers=KEY)).json()["quantity"] == 1
    assert (await client.get("/acme/north/stock/A-1", headers=KEY)).json()["quantity"] == 5
    r = await client.get("/sandboxes/nowhere/acme/north/stock/A-1", headers=KEY)
    assert r.status_code == 404 and set(r.json()) == {"fault"}


async def test_the_journal_masks_its_credential(client: httpx.AsyncClient) -> None:
    await client.get("/acme/south/stock/A-1", headers={"X-Acme-Key": "s-secret"})
    entries = (await client.get("/_sim/journal", params={"vendor": "acme"})).json()["entries"]
    assert [(e["vendor"], e["account"], e["path"]) for e in entries] == [("acme", "south", "/stock/A-1")]
    assert entries[0]["headers"]["x-acme-key"] == "****"
    assert "s-secret" not in str(entries)


async def test_a_fault_answers_in_its_error_shape(client: httpx.AsyncClient) -> None:
    rule = {"match": {"vendor": "acme", "account": "north"}, "action": {"kind": "status", "status": 503}}
    assert (await client.post("/_sim/faults", json=rule)).status_code == 201
    r = await client.get("/acme/north/stock/A-1", headers=KEY)
    assert r.status_code == 503 and r.json()["fault"]["status"] == 503
    assert (await client.get("/acme/south/stock/A-1", headers={"X-Acme-Key": "s-secret"})).status_code == 200


async def test_rate_limits_answer_in_its_error_shape() -> None:
    text = SCENARIO + "rate_limits: [{vendor: acme, capacity: 1, refill_per_second: 0.001}]\n"
    app = create_app(Settings(), load_text(text, "acme.yaml", parts=PARTS), vendors=(*VENDORS, ACME))
    async with in_process(app) as client:
        assert (await client.get("/acme/north/stock/A-1", headers=KEY)).status_code == 200
        r = await client.get("/acme/north/stock/A-1", headers=KEY)
    assert r.status_code == 429 and "retry-after" in r.headers
    assert r.json() == {"fault": {"status": 429, "reason": "Too many requests"}}


async def test_apis_and_health_list_it(client: httpx.AsyncClient) -> None:
    apis = [a for a in (await client.get("/_sim/apis")).json()["apis"] if a["vendor"] == "acme"]
    assert [(a["account"], a["base_url"]) for a in apis] == [
        ("north", "http://sim.test/acme/north"),
        ("south", "http://sim.test/acme/south"),
    ]
    assert apis[0]["example_url"] == "http://sim.test/acme/north/stock/A-1"
    assert (await client.get("/_sim/health")).json()["vendors"][-1] == "acme"


async def test_its_openapi_document_is_served(client: httpx.AsyncClient) -> None:
    index = (await client.get("/_sim/openapi")).json()["documents"]
    assert list(index) == ["merchantpro", "ka-ching", "ilevel", "centra", "acme", "control"]
    document = (await client.get("/_sim/openapi/acme.json")).json()
    assert document["info"]["title"] == "Acme stock (stock-api-simulator test vendor)"
    assert document["servers"][0]["url"] == "http://sim.test/acme/{store}"
    assert document["servers"][0]["variables"]["store"]["enum"] == ["north", "south"]


async def test_a_scenario_section_is_checked_and_posted_scenarios_may_hold_it(client: httpx.AsyncClient) -> None:
    twice = SCENARIO.replace("name: south", "name: north")
    with pytest.raises(ScenarioError, match=r"\$\.acme\.stores\[1\]\.name: store 'north' is listed twice"):
        load_text(twice, "acme.yaml", parts=PARTS)
    posted = {"name": "posted", "scenario": {"acme": {"stores": [{"name": "east", "key": "e", "stock": {"X": 3}}]}}}
    assert (await client.post("/_sim/sandboxes", json=posted)).status_code == 201
    r = await client.get("/sandboxes/posted/acme/east/stock/X", headers={"X-Acme-Key": "e"})
    assert r.json() == {"sku": "X", "quantity": 3}


async def test_an_app_without_it_refuses_its_section() -> None:
    with pytest.raises(ScenarioError, match="acme"):
        load_text(SCENARIO, "acme.yaml")


def test_a_vendor_must_route_under_its_name() -> None:
    stray = replace(ACME, name="elsewhere")
    with pytest.raises(ValueError, match="vendor 'elsewhere' has a route outside /elsewhere/: '/acme/{store}'"):
        create_app(Settings(), vendors=(*VENDORS, stray))
    with pytest.raises(ValueError, match="two vendors share a name"):
        create_app(Settings(), vendors=(*VENDORS, ACME, ACME))
