"""The documents as the running simulator serves them (GET /_sim/openapi...): valid, the committed ones but for
``servers``, which point at this server and the sandbox asked for; built from the package, not the repository."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from simulator.openapi import DOCUMENTS
from simulator.openapi.catalog import PARTS
from tests.support import ROOT, app_for, in_process

pytestmark = pytest.mark.anyio


def _committed(name: str) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loaded: dict[str, Any] = yaml.load((ROOT / "openapi" / f"{name}.yaml").read_text(encoding="utf-8"), Loader=loader)
    return loaded


async def test_merchantpro_json_is_served_valid_and_points_at_this_server() -> None:
    async with in_process(app_for()) as c:
        r = await c.get("/_sim/openapi/merchantpro.json")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    document = r.json()
    validate(document)
    assert document["servers"] == [
        {
            "url": "http://sim.test/merchantpro/{shop}",
            "description": "Sandbox default of this simulator",
            "variables": {
                "shop": {"default": "demo", "description": "A shop of the scenario", "enum": ["demo", "demo-mw"]}
            },
        }
    ]
    assert {**document, "servers": None} == {**_committed("merchantpro"), "servers": None}


async def test_the_index_links_every_document_as_json_and_yaml() -> None:
    async with in_process(app_for()) as c:
        index = (await c.get("/_sim/openapi")).json()
        assert index["sandbox"] == "default"
        assert list(index["documents"]) == list(DOCUMENTS)
        for name, entry in index["documents"].items():
            assert entry["json"] == f"http://sim.test/_sim/openapi/{name}.json"
            as_json = (await c.get(entry["json"])).json()
            r = await c.get(entry["yaml"])
            assert r.status_code == 200 and r.headers["content-type"].startswith("application/yaml")
            as_yaml = yaml.safe_load(r.text)
            assert as_json == as_yaml, name
            assert entry["title"] == as_json["info"]["title"]
            validate(as_json)
            assert {**as_json, "servers": None} == {**_committed(name), "servers": None}, name


async def test_servers_follow_the_sandbox_and_its_accounts() -> None:
    shop = "{name: s1, api_key: k, api_secret: p, products: [{id: 1, sku: A, price_net: 1}]}"
    scenario = f"merchantpro:\n  shops: [{shop}]\n"
    async with in_process(app_for()) as c:
        made = await c.post("/_sim/sandboxes?name=ci-7", content=scenario, headers={"content-type": "text/yaml"})
        assert made.status_code == 201, made.text
        index = (await c.get("/_sim/openapi", params={"sandbox": "ci-7"})).json()
        assert index["documents"]["merchantpro"]["yaml"] == "http://sim.test/_sim/openapi/merchantpro.yaml?sandbox=ci-7"
        merchantpro = (await c.get("/_sim/openapi/merchantpro.json?sandbox=ci-7")).json()
        (server,) = merchantpro["servers"]
        assert server["url"] == "http://sim.test/sandboxes/ci-7/merchantpro/{shop}"
        assert server["variables"]["shop"]["enum"] == ["s1"]
        # ci-7's scenario has no i.LEVEL tenant: the variable says so instead of offering the default's.
        (ilevel,) = (await c.get("/_sim/openapi/ilevel.json?sandbox=ci-7")).json()["servers"]
        assert "enum" not in ilevel["variables"]["tenant"]
        kaching = yaml.safe_load((await c.get("/_sim/openapi/ka-ching.yaml?sandbox=ci-7")).text)
        assert [s["url"] for s in kaching["servers"]] == ["http://sim.test/sandboxes/ci-7/ka-ching"]
        # The control plane takes the sandbox as a query parameter: its one server is the server's root.
        control = (await c.get("/_sim/openapi/control.json?sandbox=ci-7")).json()
        assert [s["url"] for s in control["servers"]] == ["http://sim.test"]


async def test_unknown_names_and_sandboxes_are_control_plane_404s() -> None:
    async with in_process(app_for()) as c:
        for path in (
            "/_sim/openapi/nope.json",
            "/_sim/openapi/nope.yaml",
            "/_sim/openapi/merchantpro.json?sandbox=nope",
            "/_sim/openapi?sandbox=nope",
            "/_sim/openapi/merchantpro.txt",
        ):
            r = await c.get(path)
            assert r.status_code == 404, path
            assert r.json()["error"]["code"] == "not_found", path


async def test_the_control_token_guards_the_documents() -> None:
    async with in_process(app_for(control_token="s3cret")) as c:
        assert (await c.get("/_sim/openapi/control.json")).status_code == 401
        r = await c.get("/_sim/openapi/control.json", headers={"Authorization": "Bearer s3cret"})
        assert r.status_code == 200


def test_the_parts_ship_in_the_wheel() -> None:
    # Served documents are built from simulator/openapi/parts/, so an installed wheel must carry every part.
    assert all(d.part.parent == PARTS and d.part.is_file() for d in DOCUMENTS.values())
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    shipped = package_data["simulator.openapi"]
    for part in PARTS.iterdir():
        if not part.name.startswith((".", "__")):
            assert any(fnmatch(f"{part.parent.name}/{part.name}", pattern) for pattern in shipped), part
