"""Centra's Order API stock endpoints under a plugin's base: GET, POST and PUT /centra/{plugin}/stock."""

from __future__ import annotations

import asyncio
from functools import partial

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount

from simulator.auth import same_secret
from simulator.domain.centra import StockLine, company_zone, timestamp
from simulator.http import any_method, header
from simulator.sandboxes import Sandbox
from simulator.scenarios.centra import Plugin, plugins
from simulator.store import centra as items
from simulator.vendors.base import forced_failures, in_sandbox, settings_of, vendor_body
from simulator.vendors.centra import errors
from simulator.vendors.centra.errors import respond
from simulator.vendors.centra.wire import (
    decode_update,
    excludes_physical,
    link,
    parse_json,
    parse_query,
    render_outcome,
    render_stock,
    xml_in_body,
    xml_in_query,
)
from simulator.vendors.paths import Accounts, resolve, unknown_path

# The doc's header says PUT, its examples POST: both update.
ALLOWED = ("GET", "POST", "PUT")
# Past these, an update is decoded on a worker thread and applied on the store's thread (tens of ms and more).
BULK_BYTES = 64 * 1024
BULK_LINES = 1000
PLUGINS = Accounts("plugin", plugins, "No Order API plugin named {!r}")


async def stock(request: Request) -> Response:
    xml = xml_in_query(request.query_params)
    method = "GET" if request.method == "HEAD" else request.method
    # A method /stock never takes is 405 whichever plugin the path names (RFC 9110: the resource's methods).
    if method not in ALLOWED:
        raise errors.MethodNotAllowed(request.method, ALLOWED, xml)
    sandbox, plugin = _resolve(request, xml)
    _authenticate(request, plugin, xml)
    if method == "GET":
        return await _get_stock(request, sandbox, plugin, xml)
    return await _update_stock(request, sandbox, plugin, xml)


def _signed_in(request: Request) -> None:
    xml = xml_in_query(request.query_params)
    _authenticate(request, _resolve(request, xml)[1], xml)


def _unknown_endpoint(request: Request) -> errors.NotFound:
    return errors.NotFound(f"Unknown endpoint {request.url.path}", xml_in_query(request.query_params))


async def _update_stock(request: Request, sandbox: Sandbox, plugin: Plugin, xml: bool) -> Response:
    body = await vendor_body(request, lambda reason: errors.PayloadTooLarge(reason, xml))
    decode = partial(_decode, body, xml, settings_of(request).centra_update_products, plugin.input == "lenient")
    # Walking a large body takes longer than a request may hold the event loop.
    lines, xml = await asyncio.to_thread(decode) if len(body) > BULK_BYTES else decode()
    now = timestamp(sandbox.clock.now())
    outcome = await in_sandbox(
        request,
        sandbox,
        partial(
            items.update_stock,
            world=sandbox.world,
            plugin=plugin.name,
            lines=lines,
            now=now,
            forced=forced_failures(request),
        ),
        bulk=len(lines) > BULK_LINES,
    )
    return respond(render_outcome(outcome), xml)


def _decode(body: bytes, xml: bool, max_products: int, lenient: bool) -> tuple[list[StockLine], bool]:
    # The body is read as JSON whatever its Content-Type says (the doc sends "Content-type: application/json").
    data = parse_json(body, xml)
    xml = xml or (isinstance(data, dict) and xml_in_body(data.get("xml")))
    products = data.get("products") if isinstance(data, dict) else None
    if isinstance(products, list) and len(products) > max_products:
        raise errors.PayloadTooLarge(
            f"The update names {len(products)} products, more than the simulator's limit of {max_products} per "
            "update (--centra-update-products, STOCKSIM_CENTRA_UPDATE_PRODUCTS); split it into smaller updates",
            xml,
        )
    return decode_update(data, xml, lenient), xml


async def _get_stock(request: Request, sandbox: Sandbox, plugin: Plugin, xml: bool) -> Response:
    params = request.query_params
    filters, limit, page = parse_query(params, xml, company_zone(plugin.timezone))
    if limit is None:
        page = 1  # without a limit everything is one page
    result = await in_sandbox(
        request,
        sandbox,
        partial(items.get_stock, world=sandbox.world, plugin=plugin.name, filters=filters, limit=limit, page=page),
        read_only=True,
    )
    previous = link(params, limit, page - 1) if limit is not None and page > 1 else None
    next_ = link(params, limit, page + 1) if limit is not None and result.more else None
    return respond(render_stock(result.items, excludes_physical(params), previous, next_), xml)


def _resolve(request: Request, xml: bool) -> tuple[Sandbox, Plugin]:
    return resolve(request, PLUGINS, lambda reason: errors.NotFound(reason, xml))


def _authenticate(request: Request, plugin: Plugin, xml: bool) -> None:
    token = header(request, b"api-authorization")
    if token is None or not same_secret(token.strip(), plugin.api_token):
        raise errors.Unauthorized(xml)


def routes() -> list[BaseRoute]:
    return [
        Mount(
            "/centra/{plugin}",
            routes=[
                any_method("/stock", stock),
                unknown_path(_signed_in, _unknown_endpoint),
            ],
        ),
    ]
