"""Acme, a made-up fifth vendor, declared here and nowhere under simulator/: one endpoint (GET and PUT
/acme/<store>/stock/<sku>), one credential scheme (an ``X-Acme-Key`` header), one table, and an error shape of its
own (``{"fault": {"status", "reason"}}``). test_registry.py shows that the core serves it like the real four.

Everything a real vendor package holds is here in one module: scenario section, store part, errors, routes and
the declaration (ACME). A real vendor splits them as simulator/vendors/merchantpro/ does; see docs/architecture.md.
"""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount

from simulator.auth import same_secret
from simulator.documents import Document
from simulator.errors import VendorError, allow, not_allowed
from simulator.http import any_method, json_response
from simulator.jsonbody import MalformedJson, decode_json
from simulator.masking import Carriers
from simulator.scenarios.loaded import LoadedScenario
from simulator.scenarios.part import ScenarioPart
from simulator.scenarios.problems import Problem
from simulator.store.layered import LayeredTable, World
from simulator.store.part import StorePart
from simulator.vendors.base import ApiAccount, Vendor, in_sandbox, vendor_body
from simulator.vendors.paths import Accounts, resolve, unknown_path

# The scenario section: `acme: {stores: [{name, key, stock: {sku: quantity}}]}`.


class Store(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    key: str
    stock: dict[str, int] = {}


class Section(msgspec.Struct, forbid_unknown_fields=True):
    stores: list[Store] = []


def check(section: Section, at: str) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for i, store in enumerate(section.stores):
        if store.name in seen:
            problems.append(Problem(f"{at}.stores[{i}].name", f"store {store.name!r} is listed twice"))
        seen.add(store.name)
    return problems


SECTION = ScenarioPart(
    vendor="acme", key="acme", type=Section, check=check, accounts=lambda s: {store.name for store in s.stores}
)


def stores(scenario: LoadedScenario) -> dict[str, Store]:
    return scenario.index("acme.stores", lambda spec: {s.name: s for s in SECTION.of(spec).stores})


STORES = Accounts("store", stores, "no store named {!r}")


# The store part: one layered table, read and written through LayeredTable (no SQL of its own).

STOCK = LayeredTable("acme_stock", key=("store", "sku"), columns=("quantity",))


def seed(conn: sqlite3.Connection, scenario: LoadedScenario) -> int:
    rows = [(s.name, sku, qty) for s in SECTION.of(scenario.spec).stores for sku, qty in s.stock.items()]
    STOCK.seed(conn, scenario.id, rows)
    return len(rows)


def quantity(conn: sqlite3.Connection, world: World, store: str, sku: str) -> int | None:
    rows = STOCK.select(conn, world, "store = :store AND sku = :sku", {"store": store, "sku": sku})
    return int(rows[0][2]) if rows else None


def set_quantity(conn: sqlite3.Connection, world: World, store: str, sku: str, value: int) -> None:
    STOCK.put_many(conn, world, [(store, sku, value)])


def state(conn: sqlite3.Connection, world: World, scenario: LoadedScenario, limit: int) -> dict[str, Any]:
    return {
        "stores": {
            s.name: {sku: qty for _, sku, qty in STOCK.select(conn, world, "store = :s", {"s": s.name})[:limit]}
            for s in SECTION.of(scenario.spec).stores
        }
    }


# Errors: the vendor states status and message; its base renders the body.


class AcmeError(VendorError):
    def body(self) -> dict[str, Any]:
        return {"fault": {"status": self.status_code, "reason": self.message}}


class BadRequest(AcmeError):
    status_code = 400


class Unauthorized(AcmeError):
    status_code = 401
    message = "missing or wrong X-Acme-Key"


class NotFound(AcmeError):
    status_code = 404
    message = "no such thing"


class MethodNotAllowed(AcmeError):
    status_code = 405

    def __init__(self, method: str, allowed: tuple[str, ...]) -> None:
        super().__init__(not_allowed(method, allowed), headers=allow(allowed))


class PayloadTooLarge(AcmeError):
    status_code = 413


# Routes: decode -> store -> encode.


class Quantity(msgspec.Struct, forbid_unknown_fields=True):
    quantity: int


_quantity = msgspec.json.Decoder(Quantity)


async def stock(request: Request) -> Response:
    if request.method not in ("GET", "PUT"):
        raise MethodNotAllowed(request.method, ("GET", "PUT"))
    sandbox, store = resolve(request, STORES, NotFound)
    if not same_secret(request.headers.get("x-acme-key", ""), store.key):
        raise Unauthorized()
    sku: str = request.path_params["sku"]
    world = sandbox.world
    if request.method == "PUT":
        try:
            body = decode_json(await vendor_body(request, PayloadTooLarge, BadRequest), _quantity)
        except (MalformedJson, msgspec.ValidationError) as exc:
            raise BadRequest(f'expected {{"quantity": <int>}}: {exc}') from None
        await in_sandbox(
            request, sandbox, partial(set_quantity, world=world, store=store.name, sku=sku, value=body.quantity)
        )
    found = await in_sandbox(request, sandbox, partial(quantity, world=world, store=store.name, sku=sku))
    if found is None:
        raise NotFound(f"no SKU {sku!r} in store {store.name!r}")
    return json_response({"sku": sku, "quantity": found})


def _no_such_path(request: Request) -> NotFound:
    return NotFound(f"no such path: {request.url.path}")


def routes() -> list[BaseRoute]:
    return [
        Mount(
            "/acme/{store}",
            routes=[
                any_method("/stock/{sku}", stock),
                unknown_path(partial(resolve, accounts=STORES, not_found=NotFound), _no_such_path),
            ],
        )
    ]


def accounts(scenario: LoadedScenario) -> list[ApiAccount]:
    return [
        ApiAccount(
            vendor="acme",
            account=s.name,
            base_path=f"/acme/{s.name}",
            auth={"scheme": "header", "header": "X-Acme-Key", "key": s.key},
            example=f"/stock/{next(iter(s.stock))}" if s.stock else "",
        )
        for s in SECTION.of(scenario.spec).stores
    ]


# The registry line.
ACME = Vendor(
    name="acme",
    routes=routes(),
    accounts=accounts,
    state=state,
    error_response=AcmeError.answer,
    store=StorePart(tables=(STOCK,), seed=seed),
    section=SECTION,
    credentials=Carriers(headers=frozenset({"x-acme-key"})),
    openapi=Document("acme", base="/acme/{store}", account="store", vendor="acme", folder=Path(__file__).parent),
)
