"""What every vendor package provides, so the app and control plane can treat them alike.

A vendor is a package under simulator/vendors/ with the same modules each time: ``wire.py`` (request and
response Structs), ``errors.py`` (one class per vendor error code, rendered in the vendor's body shape),
``routes.py`` (decode -> domain/store -> encode) and ``__init__.py`` exposing ``VENDOR``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

import msgspec
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from simulator.config import Settings
from simulator.documents import Document
from simulator.errors import SimulatorError
from simulator.http import BodyTooLarge, is_json_type, media_type, read_body
from simulator.masking import COMMON, Carriers
from simulator.plane.panel import Panel
from simulator.sandboxes import DEFAULT, Sandbox, Sandboxes, UnknownSandbox
from simulator.scenarios.loaded import LoadedScenario
from simulator.scenarios.part import NO_SECTION, ScenarioPart
from simulator.store.connection import Store, T, Work
from simulator.store.layered import World
from simulator.store.part import StorePart
from simulator.store.sandboxes import SandboxGone


@dataclass(frozen=True)
class ApiAccount:
    """One vendor account of a scenario, as a client needs it: where to send requests and how to sign in."""

    vendor: str
    account: str
    base_path: str  # relative to the sandbox root, e.g. "/merchantpro/demo"
    auth: dict[str, str]
    example: str = ""  # a request path (and query) that works on the default scenario
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Vendor:
    name: str
    routes: Sequence[BaseRoute]
    accounts: Callable[[LoadedScenario], list[ApiAccount]]
    # The sandbox's stock per account for GET /_sim/state, in the vendor's terms: it reads the store's values and
    # draws them (vendors/<vendor>/state.py).
    state: Callable[[sqlite3.Connection, World, LoadedScenario, int], dict[str, Any]]
    # The vendor's own error body for a status, as faults and rate limits answer: (status, message, headers).
    error_response: Callable[[int, str, dict[str, str]], Response]
    # Where a request names its account: a query parameter (Ka-ching's `account`), else the path segment after
    # the vendor's name (/merchantpro/<shop>).
    account_query: str | None = None
    # Vendor-specific control endpoints, mounted at /_sim/<name>/ (e.g. queue logs, forced failures).
    control_routes: Sequence[BaseRoute] = ()
    # Work that runs beside the server (e.g. an asynchronous import queue): entered on startup, exited on
    # shutdown, after the store and sandboxes exist (app.state.store, app.state.sandboxes).
    background: Callable[[Starlette], AbstractAsyncContextManager[None]] | None = None
    # URLs a scenario makes the server send requests to (webhooks): a posted scenario's must pass --webhook-allow.
    outbound_urls: Callable[[LoadedScenario], list[str]] = lambda scenario: []
    # Its tables and how a scenario seeds them.
    store: StorePart = StorePart()
    # Its section of a scenario document.
    section: ScenarioPart[Any] = NO_SECTION
    # Where its clients send credentials: masked in the journal and the logs; its rate limits count per credential.
    credentials: Carriers = Carriers()
    # Its OpenAPI document, and the Structs of its control endpoints' bodies (for the control plane's document).
    openapi: Document | None = None
    control_structs: tuple[type[msgspec.Struct], ...] = ()
    # Its page among the dashboard's vendor extras (queues, notifications, forced failures); without one, the
    # dashboard shows what its GET control endpoints answer.
    panel: Panel | None = None


# Set by the toolkit when a fault rule of kind fail_items fires: identifiers the vendor must fail in its own way.
FAIL_ITEMS = "stocksim.fail_items"
# The sandbox a request resolved, set by whoever resolves it first (the toolkit, else the vendor): a request acts
# on one incarnation from start to end, whatever is deleted or created under its sandbox's name meanwhile.
SANDBOX = "stocksim.sandbox"
# How the vendor says "no such sandbox" (vendor_sandbox's not_found), for in_sandbox.
_NOT_FOUND = "stocksim.sandbox_not_found"


def forced_failures(request: Request) -> frozenset[str]:
    """Items a fault rule wants this request to fail (i.LEVEL 12051, Centra productsNotFound, Ka-ching's log)."""
    items: frozenset[str] = request.scope.get(FAIL_ITEMS, frozenset())
    return items


def vendor_sandbox(request: Request, not_found: Callable[[str], SimulatorError]) -> Sandbox:
    """The addressed sandbox; an unknown one is the vendor's own 404 (``not_found`` gets the reason)."""
    try:
        sandbox = sandbox_of(request)
    except UnknownSandbox as exc:
        raise not_found(str(exc)) from None
    request.scope[_NOT_FOUND] = not_found
    return sandbox


async def in_sandbox(
    request: Request,
    sandbox: Sandbox,
    work: Work[T],
    bulk: bool = False,
    read_only: bool = False,
    one_write: bool = False,
) -> T:
    """Run a unit of work for the sandbox this request resolved (vendor_sandbox). The sandbox is checked in the
    same unit: if it was deleted since (and maybe created again under its name), nothing is read or written and
    the vendor answers its own 404. A ``bulk`` unit (a large import) runs on the store's thread; a ``read_only``
    one runs without a transaction (Store.read; on the store's thread, no other unit runs meanwhile either); a
    ``one_write`` one changes one row by its last statement (Store.run)."""
    state = request.app.state
    store: Store = state.store
    unit = state.sandboxes.guarded(sandbox, work)
    try:
        if bulk:
            return await store.run_in_thread(unit, transaction=not read_only)
        return await (store.read(unit) if read_only else store.run(unit, one_write=one_write))
    except SandboxGone:
        not_found: Callable[[str], SimulatorError] = request.scope[_NOT_FOUND]
        raise not_found(f"sandbox {sandbox.name!r} was deleted while this request was in flight") from None


async def vendor_body(
    request: Request,
    too_large: Callable[[str], SimulatorError],
    wrong_type: Callable[[str], SimulatorError] | None = None,
) -> bytes:
    """The body under the size cap. With ``wrong_type``, a declared non-JSON Content-Type is refused; a client that
    sends none still gets its JSON read."""
    if wrong_type is not None:
        kind = media_type(request)
        if kind is not None and not is_json_type(kind):
            raise wrong_type(f"Content-Type must be application/json, got {kind!r}")
    try:
        return await read_body(request, settings_of(request).max_body_bytes)
    except BodyTooLarge as exc:
        raise too_large(f"The request body is larger than {exc.limit} bytes") from None


def sandbox_of(request: Request) -> Sandbox:
    """The sandbox a vendor request addresses: /sandboxes/<name>/... or, on the bare paths, the default one;
    resolved once per request (SANDBOX)."""
    resolved: Sandbox | None = request.scope.get(SANDBOX)
    if resolved is None:
        sandboxes: Sandboxes = request.app.state.sandboxes
        resolved = request.scope[SANDBOX] = sandboxes.get(request.path_params.get("sandbox", DEFAULT))
    return resolved


def carriers(vendors: Iterable[Vendor]) -> Carriers:
    """What an app serving these vendors masks: their credentials' carriers, and the common ones."""
    found = COMMON
    for vendor in vendors:
        found |= vendor.credentials
    return found


def vendors_of(request: Request) -> tuple[Vendor, ...]:
    """The app's registered vendors (create_app's ``vendors``)."""
    vendors: tuple[Vendor, ...] = request.app.state.vendors
    return vendors


def parts_of(request: Request) -> tuple[ScenarioPart[Any], ...]:
    """The sections a scenario posted to this app may hold: its vendors'."""
    return tuple(v.section for v in vendors_of(request))


def vendor_named(request: Request, name: str | None) -> Vendor | None:
    return next((v for v in vendors_of(request) if v.name == name), None)


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def client_of(request: Request) -> str:
    client = request.scope.get("client")  # what request.client reads, without making an Address of it each time
    return str(client[0]) if client else "unknown"
