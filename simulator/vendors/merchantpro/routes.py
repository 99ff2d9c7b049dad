"""MerchantPro's inventory API: GET (and HEAD) and PATCH /api/v2/inventory/{id|sku|ean}/{identifier} under a shop's
base."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
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

# HEAD is GET without the body (RFC 9110 9.3.2), so every resource that takes GET takes HEAD.
ALLOWED = ("GET", "HEAD", "PATCH")
LOOKUPS: dict[str, Lookup] = {"id": "id", "sku": "sku", "ean": "ean"}


async def inventory(request: Request) -> Response:
    # A method the resource never takes is 405 whichever shop the path names.
    if request.method not in ALLOWED:
        raise errors.MethodNotAllowed(request.method, ALLOWED)
    if request.method == "HEAD":
        return await _headless(request, _read)
    if request.method == "GET":
        return await _read(request)
    return await _patch(request)


async def unknown_path(request: Request) -> Response:
    if request.method == "HEAD":
        return await _headless(request, _unknown_path)
    return await _unknown_path(request)


async def _unknown_path(request: Request) -> Response:
    sandbox, shop = _resolve(request)
    _authenticate(request, sandbox, shop)
    raise errors.NotFound()


async def _read(request: Request) -> Response:
    sandbox, shop, by, identifier = _target(request)
    found = await in_sandbox(
        request, sandbox, partial(products.find, world=sandbox.world, shop=shop, by=by, identifier=identifier)
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
        )
    except domain.errors.NotFound:
        raise errors.NotFound() from None
    except domain.errors.InvalidChange as exc:
        raise errors.BadRequest(exc.message, exc.field) from None
    return json_response(render(updated, shop.multi_warehouse))


async def _headless(request: Request, as_get: Callable[[Request], Awaitable[Response]]) -> Response:
    """What GET would answer (an error too), without its body; Content-Length stays the GET body's."""
    try:
        answer = await as_get(request)
    except errors.MerchantProError as exc:
        answer = exc.response()
    return Response(status_code=answer.status_code, headers=dict(answer.headers))


def _target(request: Request) -> tuple[Sandbox, Shop, Lookup, str]:
    sandbox, shop = _resolve(request)
    _authenticate(request, sandbox, shop)
    by = LOOKUPS.get(request.path_params["kind"])
    if by is None:
        raise errors.NotFound()
    return sandbox, shop, by, request.path_params["identifier"]


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
