"""Suites every registered vendor runs, the made-up fifth one (tests/vendors/acme) included: a new vendor inherits
them from its declaration alone. Each vendor's accounts come from /_sim/apis, its error shape from its own
renderer (Vendor.error_response), so nothing here names a vendor."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from http import HTTPStatus
from typing import Any

import httpx
import pytest

from simulator.app import create_app
from simulator.config import Settings
from simulator.scenarios import examples
from simulator.scenarios.loader import load_text, registered
from simulator.vendors import VENDORS
from simulator.vendors.base import Vendor
from tests.support import in_process
from tests.vendors.acme.vendor import ACME, SECTION

pytestmark = pytest.mark.anyio

EVERY = (*VENDORS, ACME)
ACME_SECTION = """
acme:
  stores:
    - {name: north, key: n-secret, stock: {A-1: 5}}
"""
HOSTILE_SEGMENTS = ["%00", "%0A", "%0D%0AX-Injected:%201", "..%2F..%2Fetc", "%FF%FE", "x" * 2000, "%E2%80%AE", "%20"]


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    text = examples.resolve(None).read_text(encoding="utf-8") + ACME_SECTION
    scenario = load_text(text, "default + acme", parts=(*registered(), SECTION))
    async with in_process(create_app(Settings(), scenario, vendors=EVERY)) as c:
        yield c


def _shape(vendor: Vendor, status: int, message: str) -> Any:
    """The body the vendor's own renderer gives this error."""
    return json.loads(bytes(vendor.error_response(status, message, {}).body))


def _keys(value: Any) -> Any:
    """A body's structure: its keys, nested, without the values."""
    return {k: _keys(v) for k, v in value.items()} if isinstance(value, dict) else type(value).__name__


def _signed(api: dict[str, Any]) -> dict[str, Any]:
    """The request options that sign in as this account, from its /_sim/apis entry."""
    auth = api["auth"]
    if auth["scheme"] == "basic":
        token = base64.b64encode(f"{auth['username']}:{auth['password']}".encode()).decode()
        return {"headers": {"Authorization": f"Basic {token}"}}
    if auth["scheme"] == "header":
        secret = next(v for k, v in auth.items() if k not in ("scheme", "header"))
        return {"headers": {auth["header"]: secret}}
    return {}  # query credentials: the example URL carries them


def _unsigned(url: str) -> str:
    """The example URL without any credential a query carries."""
    base, _, query = url.partition("?")
    kept = [pair for pair in query.split("&") if pair and not pair.lower().startswith(("apikey=", "token="))]
    return base + ("?" + "&".join(kept) if kept else "")


async def _api(client: httpx.AsyncClient, vendor: Vendor, sandbox: str | None = None) -> dict[str, Any]:
    params = {"sandbox": sandbox} if sandbox else {}
    apis = (await client.get("/_sim/apis", params=params)).json()["apis"]
    return next(a for a in apis if a["vendor"] == vendor.name and a["example_url"])


@pytest.mark.parametrize("vendor", EVERY, ids=[v.name for v in EVERY])
async def test_auth_a_request_without_credentials_gets_the_vendors_401(
    client: httpx.AsyncClient, vendor: Vendor
) -> None:
    api = await _api(client, vendor)
    signed = await client.get(api["example_url"], **_signed(api))
    assert signed.status_code not in (401, 403) and signed.status_code < 500
    # An example the vendor takes with another method (an import endpoint): the first it allows.
    method = signed.headers["allow"].split(",")[0].strip() if signed.status_code == 405 else "GET"
    refused = await client.request(method, _unsigned(api["example_url"]))
    assert refused.status_code == 401
    assert _keys(refused.json()) == _keys(_shape(vendor, 401, "x"))


@pytest.mark.parametrize("vendor", EVERY, ids=[v.name for v in EVERY])
async def test_faults_render_in_the_vendors_error_shape(client: httpx.AsyncClient, vendor: Vendor) -> None:
    api = await _api(client, vendor)
    rule = {"match": {"vendor": vendor.name}, "action": {"kind": "status", "status": 503}}
    assert (await client.post("/_sim/faults", json=rule)).status_code == 201
    r = await client.get(api["example_url"], **_signed(api))
    assert r.status_code == 503
    assert r.json() == _shape(vendor, 503, HTTPStatus(503).phrase)


@pytest.mark.parametrize("vendor", EVERY, ids=[v.name for v in EVERY])
async def test_sandboxes_keep_their_journals_and_faults_apart(client: httpx.AsyncClient, vendor: Vendor) -> None:
    assert (await client.post("/_sim/sandboxes", json={"name": "iso"})).status_code == 201
    rule = {"match": {"vendor": vendor.name}, "action": {"kind": "status", "status": 502}}
    assert (await client.post("/_sim/faults", params={"sandbox": "iso"}, json=rule)).status_code == 201
    api, iso = await _api(client, vendor), await _api(client, vendor, "iso")
    assert (await client.get(iso["example_url"], **_signed(iso))).status_code == 502
    assert (await client.get(api["example_url"], **_signed(api))).status_code != 502
    for sandbox in ("default", "iso"):
        journal = (await client.get("/_sim/journal", params={"sandbox": sandbox, "vendor": vendor.name})).json()
        assert len(journal["entries"]) == 1, sandbox


@pytest.mark.parametrize("vendor", EVERY, ids=[v.name for v in EVERY])
async def test_hostile_paths_get_the_vendors_error_shape(client: httpx.AsyncClient, vendor: Vendor) -> None:
    api = await _api(client, vendor)
    base = api["base_url"].removeprefix("http://sim.test")
    expected = _keys(_shape(vendor, 404, "x"))
    for segment in HOSTILE_SEGMENTS:
        for options in ({}, _signed(api)):
            r = await client.get(f"{base}/{segment}/{segment}", **options)
            assert 400 <= r.status_code < 500, (segment, r.status_code)
            assert _keys(r.json()) == expected, (segment, r.text)


@pytest.mark.parametrize("vendor", EVERY, ids=[v.name for v in EVERY])
async def test_the_journal_masks_the_vendors_credentials(client: httpx.AsyncClient, vendor: Vendor) -> None:
    api = await _api(client, vendor)
    await client.get(api["example_url"], **_signed(api))
    entry = (await client.get("/_sim/journal", params={"vendor": vendor.name})).json()["entries"][0]
    secrets = [v for k, v in api["auth"].items() if k in ("password", "token", "apikey", "key")]
    assert secrets and not any(s in json.dumps(entry) for s in secrets)
