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


def _with_slash(url: str) -> str:
    """The URL with a trailing slash on its path (before the query)."""
    path, mark, query = url.partition("?")
    return path + "/" + mark + query


@pytest.mark.parametrize("vendor", EVERY, ids=[v.name for v in EVERY])
async def test_a_trailing_slash_is_served_like_the_path_without_it(client: httpx.AsyncClient, vendor: Vendor) -> None:
    """Served, not redirected (docs/fidelity.md): the same status, headers and body; the journal keeps the path as
    the client wrote it."""
    api = await _api(client, vendor)
    plain = await client.get(api["example_url"], **_signed(api))
    slashed = await client.get(_with_slash(api["example_url"]), **_signed(api))
    assert slashed.status_code == plain.status_code != 404
    assert slashed.content == plain.content
    assert slashed.headers.get("allow") == plain.headers.get("allow")
    entries = (await client.get("/_sim/journal", params={"vendor": vendor.name})).json()["entries"]
    assert [e["path"][-1] == "/" for e in entries] == [False, True]
    assert entries[1]["path"] == entries[0]["path"] + "/"


@pytest.mark.parametrize("vendor", EVERY, ids=[v.name for v in EVERY])
async def test_a_slash_variant_of_an_unknown_path_gets_the_vendors_404(
    client: httpx.AsyncClient, vendor: Vendor
) -> None:
    api = await _api(client, vendor)
    base = api["base_url"].removeprefix("http://sim.test")
    for path in (f"{base}/no-such-thing", f"{base}/no-such-thing/", f"{base}/no-such-thing//"):
        r = await client.get(path, **_signed(api))
        assert r.status_code == 404, path
        assert _keys(r.json()) == _keys(_shape(vendor, 404, "x")), path


@pytest.mark.parametrize("vendor", EVERY, ids=[v.name for v in EVERY])
async def test_a_fault_on_a_path_catches_it_with_a_trailing_slash(client: httpx.AsyncClient, vendor: Vendor) -> None:
    api = await _api(client, vendor)
    below = api["example_url"].removeprefix(api["base_url"]).partition("?")[0]
    rule = {"match": {"vendor": vendor.name, "path": below}, "action": {"kind": "status", "status": 503}}
    assert (await client.post("/_sim/faults", json=rule)).status_code == 201
    assert (await client.get(_with_slash(api["example_url"]), **_signed(api))).status_code == 503


@pytest.mark.parametrize("vendor", EVERY, ids=[v.name for v in EVERY])
async def test_head_is_get_without_its_body(client: httpx.AsyncClient, vendor: Vendor) -> None:
    """RFC 9110 9.3.2: the same status and headers as GET (Content-Length the GET body's), and no body."""
    api = await _api(client, vendor)
    base = api["base_url"].removeprefix("http://sim.test")
    for url in (
        api["example_url"],
        _with_slash(api["example_url"]),
        f"{base}/no-such-thing",
        _unsigned(api["example_url"]),
    ):
        got = await client.get(url, **_signed(api))
        head = await client.head(url, **_signed(api))
        assert head.status_code == got.status_code, url
        assert head.content == b"", url
        assert head.headers == got.headers, url
        assert int(head.headers["content-length"]) == len(got.content) > 0, url
    entry = (await client.get("/_sim/journal", params={"vendor": vendor.name})).json()["entries"][-1]
    assert (entry["method"], entry["response_body"]) == ("HEAD", "")


@pytest.mark.parametrize("vendor", EVERY, ids=[v.name for v in EVERY])
async def test_a_405_lists_head_wherever_it_lists_get(client: httpx.AsyncClient, vendor: Vendor) -> None:
    api = await _api(client, vendor)
    r = await client.request("PURGE", api["example_url"], **_signed(api))
    assert r.status_code == 405
    allowed = [m.strip() for m in r.headers["allow"].split(",")]
    assert ("GET" in allowed) == ("HEAD" in allowed), allowed
    if "GET" not in allowed:  # a resource without GET refuses HEAD too, with the same Allow
        head = await client.head(api["example_url"], **_signed(api))
        assert (head.status_code, head.headers["allow"], head.content) == (405, r.headers["allow"], b"")


@pytest.mark.parametrize("vendor", EVERY, ids=[v.name for v in EVERY])
async def test_faults_answer_a_head_without_a_body(client: httpx.AsyncClient, vendor: Vendor) -> None:
    api = await _api(client, vendor)
    rule = {"match": {"vendor": vendor.name, "method": "HEAD"}, "action": {"kind": "status", "status": 503}}
    assert (await client.post("/_sim/faults", json=rule)).status_code == 201
    head = await client.head(api["example_url"], **_signed(api))
    assert (head.status_code, head.content) == (503, b"")
    assert int(head.headers["content-length"]) == len(bytes(vendor.error_response(503, "Service Unavailable", {}).body))
