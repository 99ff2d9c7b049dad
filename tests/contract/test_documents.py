"""The committed OpenAPI documents (openapi/*.yaml): exactly what the generator writes, valid OpenAPI 3.1, and clean
under Redocly's lint (installed from openapi/package-lock.json with `npm ci` when missing)."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml
from openapi_spec_validator import validate

from simulator.openapi import DOCUMENTS, Document, DocumentError, build, committed_text
from simulator.toolkit.rules import Window
from simulator.vendors.merchantpro.wire import InventoryPatch
from tests.support import ROOT

OPENAPI = ROOT / "openapi"
NAMES = sorted(DOCUMENTS)


@functools.cache
def _committed(name: str) -> dict[str, Any]:
    """The committed document as data (shared between tests: read it, do not change it)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loaded: dict[str, Any] = yaml.load((OPENAPI / f"{name}.yaml").read_text(encoding="utf-8"), Loader=loader)
    return loaded


@pytest.mark.parametrize("name", NAMES)
def test_the_committed_document_is_what_the_generator_writes(name: str) -> None:
    committed = (OPENAPI / f"{name}.yaml").read_text(encoding="utf-8")
    assert committed == committed_text(DOCUMENTS[name]), f"openapi/{name}.yaml is stale: python -m simulator.openapi"


def test_every_document_in_the_folder_is_generated() -> None:
    linter_files = {"redocly.yaml", ".redocly.lint-ignore.yaml"}
    found = {p.stem for p in OPENAPI.glob("*.yaml") if p.name not in linter_files}
    assert found == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_the_document_is_valid_openapi_3_1(name: str) -> None:
    document = _committed(name)
    assert document["openapi"] == "3.1.0"
    validate(document)


@pytest.mark.parametrize("name", [n for n in NAMES if DOCUMENTS[n].structs])
def test_the_body_schemas_are_the_structs(name: str) -> None:
    # Every field of every Struct is a property of its schema, as msgspec encodes it (renames included).
    schemas = _committed(name)["components"]["schemas"]
    _, generated = msgspec.json.schema_components(DOCUMENTS[name].structs)
    assert generated
    for struct, schema in generated.items():
        assert set(schemas[struct].get("properties", {})) == set(schema.get("properties", {})), struct
        assert schemas[struct].get("required", []) == schema.get("required", []), struct


def test_vendor_servers_name_the_account_and_the_sandbox() -> None:
    servers = _committed("merchantpro")["servers"]
    assert [s["url"] for s in servers] == [
        "http://127.0.0.1:8080/merchantpro/{shop}",
        "http://127.0.0.1:8080/sandboxes/{sandbox}/merchantpro/{shop}",
    ]
    assert servers[0]["variables"]["shop"]["default"] == "demo"
    assert servers[1]["variables"]["sandbox"]["default"] == "default"
    assert _committed("ka-ching")["servers"][0]["url"] == "http://127.0.0.1:8080/ka-ching"
    assert [s["url"] for s in _committed("control")["servers"]] == ["http://127.0.0.1:8080"]


def test_the_control_token_guards_every_control_operation_but_health() -> None:
    document = _committed("control")
    scheme = document["components"]["securitySchemes"]["controlToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert document["security"] == [{"controlToken": []}]
    operations = {
        (path, method): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }
    open_ = {key for key, operation in operations.items() if operation.get("security") == []}
    assert open_ == {("/_sim/health", "get")}
    for key, operation in operations.items():
        if key not in open_:
            assert "401" in operation["responses"], key


def _part(folder: Path, text: str) -> Document:
    (folder / "made-up.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: t}\npaths: {}\ncomponents:\n  schemas:\n" + text, encoding="utf-8"
    )
    return Document("made-up", structs=(InventoryPatch, Window), folder=folder)


def test_a_part_adds_words_to_a_struct_schema(tmp_path: Path) -> None:
    words = "    InventoryPatch:\n      properties:\n        stock: {description: Units}\n"
    words += "    Window:\n      description: From install\n"
    schemas = build(_part(tmp_path, words))["components"]["schemas"]
    stock = schemas["InventoryPatch"]["properties"]["stock"]
    assert stock["description"] == "Units" and "anyOf" in stock
    # The part's words win over the Struct's docstring.
    assert Window.__doc__ and schemas["Window"]["description"] == "From install"
    assert schemas["Window"]["properties"].keys() == {"start", "end"}


@pytest.mark.parametrize(
    "schema",
    [
        "    InventoryPatch:\n      required: [stock]\n",  # structure belongs to the Struct
        "    InventoryPatch:\n      properties:\n        stock: {minimum: 1}\n",
        "    InventoryPatch:\n      properties:\n        quantity: {description: no such field}\n",
        "    Other: {type: string, description: one, two}\n",  # a comma in a flow mapping cuts the text short
    ],
)
def test_a_part_cannot_change_or_outgrow_a_struct(tmp_path: Path, schema: str) -> None:
    with pytest.raises(DocumentError):
        build(_part(tmp_path, schema))


def _redocly() -> Path:
    """The locked Redocly CLI, installed with `npm ci` when missing or another version. No npm fails the test:
    the lint is part of `make test`, not an optional extra."""
    locked = json.loads((OPENAPI / "package-lock.json").read_text())["packages"]["node_modules/@redocly/cli"]
    installed = OPENAPI / "node_modules" / "@redocly" / "cli" / "package.json"
    if not installed.exists() or json.loads(installed.read_text())["version"] != locked["version"]:
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is not on PATH: the OpenAPI lint needs Node.js 20.19+ with npm (openapi/package.json)")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=OPENAPI, check=True, timeout=600)
    return OPENAPI / "node_modules" / ".bin" / "redocly"


def _reports(output: str) -> list[dict[str, Any]]:
    """Redocly's JSON report, one object per document, written one after the other."""
    decoder, reports, at = json.JSONDecoder(), [], 0
    while at < len(output):
        if output[at].isspace():
            at += 1
            continue
        report, at = decoder.raw_decode(output, at)
        reports.append(report)
    return reports


def test_redocly_lints_every_document_clean() -> None:
    env = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true", "NO_COLOR": "1"}
    files = [f"{name}.yaml" for name in NAMES]
    done = subprocess.run(
        [str(_redocly()), "lint", "--config", "redocly.yaml", "--format", "json", *files],
        cwd=OPENAPI,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    reports = _reports(done.stdout)
    assert len(reports) == len(files), done.stderr
    problems = [p for report in reports for p in report["problems"] if p.get("ignored") is not True]
    assert sum(r["totals"]["errors"] + r["totals"]["warnings"] for r in reports) == 0, problems
    assert done.returncode == 0, done.stderr
    # Each ignored problem is one the ignore file names with its reason; a stale entry there fails here.
    ignores = yaml.safe_load((OPENAPI / ".redocly.lint-ignore.yaml").read_text())
    listed = sum(len(pointers) for rules in ignores.values() for pointers in rules.values())
    assert sum(r["totals"]["ignored"] for r in reports) == listed
