"""What a vendor request's path names, the same way for every vendor: the account (``/<vendor>/<account>/...``), and
the answer when no route of the vendor takes the path. A vendor supplies only its errors and its words."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulator.errors import SimulatorError
from simulator.http import any_method
from simulator.sandboxes import Sandbox
from simulator.scenarios.loaded import LoadedScenario
from simulator.vendors.base import vendor_sandbox

A = TypeVar("A")


@dataclass(frozen=True)
class Accounts(Generic[A]):
    """How a vendor's paths name its accounts: the path parameter, the scenario's accounts by that name, and the
    reason its 404 gives for a name no account has (``missing.format(name)``)."""

    param: str
    of: Callable[[LoadedScenario], Mapping[str, A]]
    missing: str


def resolve(request: Request, accounts: Accounts[A], not_found: Callable[[str], SimulatorError]) -> tuple[Sandbox, A]:
    """The sandbox and the account the path names; an unknown one of either is the vendor's 404 (``not_found`` gets
    the reason)."""
    sandbox = vendor_sandbox(request, not_found)
    name: str = request.path_params[accounts.param]
    account = accounts.of(sandbox.scenario).get(name)
    if account is None:
        raise not_found(accounts.missing.format(name))
    return sandbox, account


def unknown_path(check: Callable[[Request], object], not_found: Callable[[Request], SimulatorError]) -> Route:
    """The route for every other path under a vendor's base, mounted last. ``check`` runs first (the sandbox, the
    account, the credentials the vendor checks before anything else), so an unknown path answers a stranger as a
    known one would; then the vendor's 404."""

    async def endpoint(request: Request) -> Response:
        check(request)
        raise not_found(request)

    return any_method("/{rest:path}", endpoint)
