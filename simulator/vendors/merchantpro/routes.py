"""MerchantPro's inventory API: GET and PATCH /api/v2/inventory/{id|sku|ean}/{identifier} under a shop's base."""

from __future__ import annotations

from functools import partial

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount

from simulator import domain
from simulator.auth import basic_matches
from simulator.http import any_method, json_response
from simulator.sandboxes import Sandbox
from simulator.scenarios.merchantpro import Shop, shops
from simulator.store import merchantpro as products
from simulator.store.merchantpro import Lookup
from simulator.vendors.base import client_of, in_sandbox, vendor_body, vendor_sandbox
from simulator.vendors.merchantpro import errors
from simulator.vendors.merchantpro.wire import decode_patch, render

ALLOWED = ("GET", "PATCH")
LOOKUPS: dict[str, Lookup] = {"id": "id", "sku": "sku", "ean": "ean"}


async def inventory(request: Request) -> Response:
    # A method the resource never takes is 405 whichever shop the path names.
    if request.method not in ALLOWED:
        raise errors.MethodNotAllowed(request.method, ALLOWED)
    sandbox, shop = _resolve(request)
    _authenticate(request, sandbox, shop)
    by = LOOKUPS.get(request.path_params["kind"])
    if by is None:
        raise errors.NotFound()
    identifier: str = request.path_params["identifier"]
    if request.method == "GET":
        found = await in_sandbox(
            request,
            sandbox,
            partial(products.find, world=sandbox.world, shop=shop, by=by, identifier=identifier),
            read_only=True,
        )
        if found is None:
            raise errors.NotFound()
        return json_response(render(found, shop.multi_warehouse))
    change = decode_patch(await vendor_body(request, errors.PayloadTooLarge, errors.BadRequest))
    try:
        updated = await in_sandbox(
            request,
            sandbox,
            partial(products.update, world=sandbox.world, shop=shop, by=by, identifier=identifier, change=change),
        )
    except domain.errors.NotFound:
        raise errors.NotFound() from None
    except domain.errors.InvalidChange as exc:
        raise errors.BadRequest(exc.message, exc.field) from None
    return json_response(render(updated, shop.multi_warehouse))


async def unknown_path(request: Request) -> Response:
    sandbox, shop = _resolve(request)
    _authenticate(request, sandbox, shop)
    raise errors.NotFound()


def _resolve(request: Request) -> tuple[Sandbox, Shop]:
    sandbox = vendor_sandbox(request, lambda reason: errors.NotFound(f"Resource not found: {reason}"))
    shop = shops(sandbox.scenario).get(request.path_params["shop"])
    if shop is None:
        raise errors.NotFound(f"Resource not found: no shop named {request.path_params['shop']!r}")
    return sandbox, shop


def _authenticate(request: Request, sandbox: Sandbox, shop: Shop) -> None:
    key = ("merchantpro", shop.name, client_of(request))
    now = sandbox.clock.now()
    tracker = sandbox.auth_failures
    if tracker.locked(key, shop.auth_failures_before_forbidden, shop.auth_lockout_seconds, now):
        raise errors.Forbidden("Too many failed authentication attempts; try again later")
    if basic_matches(request.headers.get("authorization"), shop.api_key, shop.api_secret):
        tracker.succeeded(key)
        return
    tracker.failed(key, now)
    raise errors.Unauthorized()


def routes() -> list[BaseRoute]:
    return [
        Mount(
            "/merchantpro/{shop}",
            routes=[
                any_method("/api/v2/inventory/{kind}/{identifier:path}", inventory),
                any_method("/{rest:path}", unknown_path),
            ],
        ),
    ]
