"""MerchantPro's inventory API: GET (and HEAD) and PATCH /api/v2/inventory/{id|sku|ean}/{identifier} under a shop's
base."""

from __future__ import annotations

from functools import partial

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount

from simulator import domain
from simulator.auth import basic_matches
from simulator.http import any_method, header, json_response
from simulator.sandboxes import Sandbox
from simulator.scenarios.merchantpro import Shop, shops
from simulator.store import merchantpro as products
from simulator.store.merchantpro import Lookup
from simulator.vendors.base import client_of, in_sandbox, vendor_body
from simulator.vendors.merchantpro import errors
from simulator.vendors.merchantpro.wire import decode_patch, render
from simulator.vendors.paths import Accounts, resolve, unknown_path

# HEAD is GET without the body (RFC 9110 9.3.2), so every resource that takes GET takes HEAD.
ALLOWED = ("GET", "HEAD", "PATCH")
LOOKUPS: dict[str, Lookup] = {"id": "id", "sku": "sku", "ean": "ean"}
SHOPS = Accounts("shop", shops, "no shop named {!r}")


async def inventory(request: Request) -> Response:
    # A method the resource never takes is 405 whichever shop the path names.
    if request.method not in ALLOWED:
        raise errors.MethodNotAllowed(request.method, ALLOWED)
    if request.method == "GET":  # HEAD arrives as GET (requestline.py)
        return await _read(request)
    return await _patch(request)


async def _read(request: Request) -> Response:
    sandbox, shop, by, identifier = _target(request)
    found = await in_sandbox(
        request,
        sandbox,
        partial(products.find, world=sandbox.world, shop=shop, by=by, identifier=identifier),
        read_only=True,
    )
    if found is None:
        raise errors.NotFound()
    return json_response(render(found, shop.multi_warehouse))


async def _patch(request: Request) -> Response:
    sandbox, shop, by, identifier = _target(request)
    body = await vendor_body(request, errors.PayloadTooLarge, errors.BadRequest)
    change = decode_patch(body, lenient=shop.input == "lenient", multi_warehouse=shop.multi_warehouse)
    try:
        updated = await in_sandbox(
            request,
            sandbox,
            partial(products.update, world=sandbox.world, shop=shop, by=by, identifier=identifier, change=change),
            one_write=True,  # one product, read then written by one statement (store/merchantpro.py)
        )
    except domain.errors.NotFound:
        raise errors.NotFound() from None
    except domain.errors.InvalidChange as exc:
        raise errors.BadRequest(exc.message, exc.field) from None
    return json_response(render(updated, shop.multi_warehouse))


def _not_found(reason: str) -> errors.NotFound:
    return errors.NotFound(f"Resource not found: {reason}")


def _target(request: Request) -> tuple[Sandbox, Shop, Lookup, str]:
    sandbox, shop = resolve(request, SHOPS, _not_found)
    _authenticate(request, sandbox, shop)
    by = LOOKUPS.get(request.path_params["kind"])
    if by is None:
        raise errors.NotFound()
    return sandbox, shop, by, request.path_params["identifier"]


def _signed_in(request: Request) -> None:
    _authenticate(request, *resolve(request, SHOPS, _not_found))


def _authenticate(request: Request, sandbox: Sandbox, shop: Shop) -> None:
    tracker = sandbox.auth_failures
    # With no failure on record in the sandbox (the usual case) no client is locked out and a success has nothing to
    # forget: the client's key and the time are needed only once there is one.
    key = _client_key(request, shop) if tracker.records else None
    if key is not None:
        now = sandbox.clock.now()
        if tracker.locked(key, shop.auth_failures_before_forbidden, shop.auth_lockout_seconds, now):
            raise errors.Forbidden("Too many failed authentication attempts; try again later")
    if basic_matches(header(request, b"authorization"), shop.api_key, shop.api_secret):
        if key is not None:
            tracker.succeeded(key)
        return
    tracker.failed(key or _client_key(request, shop), sandbox.clock.now())
    raise errors.Unauthorized()


def _client_key(request: Request, shop: Shop) -> tuple[str, str, str]:
    """Whose failures count together toward a lock-out: one client's, on one shop."""
    return ("merchantpro", shop.name, client_of(request))


def routes() -> list[BaseRoute]:
    return [
        Mount(
            "/merchantpro/{shop}",
            routes=[
                any_method("/api/v2/inventory/{kind}/{identifier:path}", inventory),
                unknown_path(_signed_in, lambda request: errors.NotFound()),
            ],
        ),
    ]
