"""Requests that no route takes: a 404 for a path nothing serves, a 405 for a method no route of the path takes.

Under a vendor's tree (``/<vendor>/...`` or ``/sandboxes/<name>/<vendor>/...``) the answer is in the vendor's shape,
as a client of that vendor parses it: a path with an empty segment (``/centra//stock``, ``/merchantpro/``) falls
outside every vendor route. Elsewhere it is the control plane's. A 405's Allow lists what every route of the path
takes (Starlette names only the first route's methods: OPTIONS /_sim/sandboxes said GET, without POST).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import Scope

from simulator.http import json_response
from simulator.vendors.base import Vendor

_CODES = {404: "not_found", 405: "method_not_allowed"}
_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def answer(request: Request, exc: HTTPException, vendors: Mapping[str, Vendor]) -> Response:
    headers = dict(exc.headers or {})
    message = str(exc.detail)
    if exc.status_code == 405:
        allowed = allowed_methods(request.app.router.routes, request.scope)
        headers["Allow"] = ", ".join(allowed)
        message = f"method {request.method} is not allowed here; allowed: {', '.join(allowed)}"
    vendor = vendor_of(request.scope["path"], vendors)
    if vendor is not None:
        if exc.status_code == 404:
            message = f"Not found: {request.scope['path']}"
        return vendor.error_response(exc.status_code, message, headers)
    return json_response(
        {"error": {"code": _CODES.get(exc.status_code, "error"), "message": message}}, exc.status_code, headers
    )


def vendor_of(path: str, vendors: Mapping[str, Vendor]) -> Vendor | None:
    parts = path.split("/")
    if len(parts) > 3 and parts[1] == "sandboxes":
        parts = parts[2:]
    return vendors.get(parts[1]) if len(parts) > 1 else None


def allowed_methods(routes: Sequence[BaseRoute], scope: Scope) -> list[str]:
    found = _methods(
        routes, {"type": "http", "path": scope["path"], "root_path": scope.get("app_root_path", ""), "method": ""}
    )
    return sorted(found, key=lambda m: (_ORDER.index(m) if m in _ORDER else len(_ORDER), m))


def _methods(routes: Sequence[BaseRoute], scope: Scope) -> set[str]:
    found: set[str] = set()
    for route in routes:
        match, child = route.matches(scope)
        if match is Match.NONE:
            continue
        if isinstance(route, Mount):
            found |= _methods(route.routes, {**scope, **child})
        elif isinstance(route, Route) and route.methods:
            found |= route.methods
    return found
