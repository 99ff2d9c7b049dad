"""The words of a 400 and the wire Structs that decide it say the same: each field's bounds, as the schema has them,
are the ones its message names, and a value one past a bound gets exactly that message over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import msgspec
import pytest

from simulator.vendors.merchantpro.messages import EXPECTED
from simulator.vendors.merchantpro.wire import DESCRIBE_BYTES, InventoryPatch
from tests.vendors.merchantpro.conftest import DEMO, DEMO_MW

pytestmark = pytest.mark.anyio
SCHEMA = msgspec.json.schema(InventoryPatch)
READ_ONLY = {"id", "sku", "ean"}


def leaves(node: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path with [] for list items, schema) of every field below ``node``, depth first."""
    if "$ref" in node:
        node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]]
    if path:
        yield path, node
    for name, child in node.get("properties", {}).items():
        if not path and name in READ_ONLY:
            continue
        yield from leaves(child, f"{path}.{name}" if path else name)
    for option in node.get("anyOf", []):
        if "$ref" in option:
            yield from (leaf for leaf in leaves(option, path) if leaf[0] != path)
    if "items" in node:
        yield from leaves(node["items"], f"{path}[]")


FIELDS = dict(leaves(SCHEMA, ""))
BOUNDED = [
    (path, bound, value)
    for path, node in FIELDS.items()
    for option in node.get("anyOf", [node])
    for bound, value in (("minimum", option.get("minimum")), ("maximum", option.get("maximum")))
    if value is not None
]


def test_every_field_has_words_and_every_bound_is_named() -> None:
    assert set(FIELDS) == set(EXPECTED)
    for path, _, value in BOUNDED:
        assert f" {int(value)}" in EXPECTED[path], path


@pytest.mark.parametrize(("path", "bound", "value"), BOUNDED, ids=[f"{p}-{b}" for p, b, _ in BOUNDED])
async def test_one_past_a_bound_gets_the_fields_words(
    client: httpx.AsyncClient, path: str, bound: str, value: float
) -> None:
    past = int(value) - 1 if bound == "minimum" else int(value) + 1
    mw = path.startswith("warehouses")
    at = path.replace("[]", "[0]")
    body: Any = past
    for name in reversed(at.split(".")):
        if name == "warehouses[0]":
            body = {"warehouses": [body if "stock" in body else {**body, "stock": 1}]}
        else:
            body = {name: body}
    if mw and "id" not in body["warehouses"][0]:
        body["warehouses"][0]["id"] = 1
    url = f"/merchantpro/{'demo-mw' if mw else 'demo'}/api/v2/inventory/id/{10003 if mw else 10001}"
    r = await client.patch(url, json=body, headers=DEMO_MW if mw else DEMO)
    assert r.status_code == 400, (body, r.text)
    assert r.json()["error"] == {
        "code": 400,
        "name": "Bad Request",
        "message": f"Invalid value for '{at}': expected {EXPECTED[path]}, got {past}",
        "field": at,
    }


async def test_a_large_body_is_not_read_twice_for_its_message(client: httpx.AsyncClient) -> None:
    """Past DESCRIBE_BYTES the message leaves out what came: reading the body again would hold the event loop."""
    body = {"stock": "x", "pad": "y" * (DESCRIBE_BYTES + 1)}
    r = await client.patch("/merchantpro/demo/api/v2/inventory/id/10001", json=body, headers=DEMO)
    assert r.status_code == 400
    assert r.json()["error"]["message"] == f"Invalid value for 'stock': expected {EXPECTED['stock']}"
