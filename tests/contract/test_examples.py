"""The vendor documents' GET examples are what the simulator answers on the shipped default scenario, so a mock
built from a document (Prism) and the simulator agree, and both agree with the vendor's doc."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import yaml

from simulator.openapi import DOCUMENTS
from tests.support import ROOT, app_for, in_process

pytestmark = pytest.mark.anyio
VENDOR_DOCUMENTS = [d for d in DOCUMENTS.values() if d.vendor is not None]


def _get_examples(name: str) -> list[tuple[str, Any]]:
    """(request path and query, body) of every 200 example whose summary is the GET request that answers it."""
    document = yaml.safe_load((ROOT / "openapi" / f"{name}.yaml").read_text(encoding="utf-8"))
    found = []
    for item in document["paths"].values():
        content = item.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
        for example in content.get("application/json", {}).get("examples", {}).values():
            summary = example.get("summary", "")
            if summary.startswith("GET /"):
                found.append((summary.split()[1], example["value"]))
    return found


def _signed(api: dict[str, Any]) -> dict[str, Any]:
    auth = api["auth"]
    if auth["scheme"] == "basic":
        return {"auth": (auth["username"], auth["password"])}
    if auth["scheme"] == "header":
        return {"headers": {auth["header"]: auth["token"]}}
    return {"params": {k: auth[k] for k in ("account", "integration", "apikey")}}


@pytest.mark.parametrize("name", [d.name for d in VENDOR_DOCUMENTS if _get_examples(d.name)])
async def test_every_get_example_is_what_one_of_the_accounts_answers(name: str) -> None:
    async with in_process(app_for()) as c:
        apis = [a for a in (await c.get("/_sim/apis")).json()["apis"] if a["vendor"] == DOCUMENTS[name].vendor]
        for path, expected in _get_examples(name):
            answers = []
            for api in apis:
                r = await c.get(httpx.URL(api["base_url"] + path), **_signed(api))
                answers.append((api["account"], r.status_code, r.json()))
            assert any(status == 200 and body == expected for _, status, body in answers), (path, answers)


def test_the_vendor_documents_have_get_examples() -> None:
    counted = {d.name: len(_get_examples(d.name)) for d in VENDOR_DOCUMENTS}
    assert counted == {"merchantpro": 3, "ka-ching": 0, "ilevel": 3, "centra": 2}
