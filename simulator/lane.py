"""The vendor lane: a vendor request that reaches one of its endpoints goes straight to it.

Starlette would take such a request through its exception middleware, the app's router (trying the control
plane's mount first), the sandbox mount, the vendor's mount and its router, then two exception wrappers and a
closure per route (docs/performance.md measures what the lane took off). The lane matches the same route objects,
step by step as ``Mount.matches`` and ``Route.matches`` do (their regexes and convertors, in the routers' order,
writing the same path parameters and root path into the scope), calls the endpoint, and renders a raised error
with the app's own exception handlers.

It takes only what it can answer exactly as the routers would: a path whose first segment names a vendor (or
``sandboxes``), that ends in no slash (requestline.py forgives one, and decides whether the path reaches a route
without it), reaching a vendor route (http.VendorRoute: no middleware of its own) by a full match, whose endpoint
is a coroutine function. Anything else (a 404, a 405, a slash, a sync endpoint) goes the long way, unchanged; the
answers are the same either way (tests/test_lane.py holds both lanes to that).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from typing import Any

from starlette.convertors import Convertor, PathConvertor, StringConvertor
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from simulator.http import VendorRoute

Handler = Callable[[Request, Exception], Awaitable[Response]]


class VendorLane:
    """ASGI middleware: in front of requestline.RequestLine, behind the toolkit (which sees the request as sent)."""

    def __init__(
        self,
        app: ASGIApp,
        routes: Sequence[BaseRoute],
        segments: Collection[str],
        handlers: Mapping[Any, Handler],
    ) -> None:
        """``routes``: the app router's routes a path starting with one of ``segments`` can reach, in the router's
        order (no route left out could match such a path); ``handlers``: the app's exception handlers, by class."""
        self.app = app
        self.routes = tuple(routes)
        self.segments = frozenset(segments)
        if any(not isinstance(key, type) for key in handlers):
            raise ValueError("the vendor lane renders exceptions by class only, not by status code")
        self.handlers: dict[type, Handler] = dict(handlers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self._route(scope) if scope["type"] == "http" else None
        if found is None:
            await self.app(scope, receive, send)
            return
        leaf, params, root_path = found
        # A HEAD is served as the GET (requestline.py): in a copy, so the layers above keep the request line as sent.
        routed = {**scope, "method": "GET"} if scope["method"] == "HEAD" else scope
        # What the routers would have written into the scope on the way down (Router.app, Mount.matches,
        # Route.matches): the last route and its endpoint, the path parameters of every level, the mounts' root path.
        routed.setdefault("router", scope["app"].router)
        routed["route"] = leaf
        routed["endpoint"] = leaf.endpoint
        routed["path_params"] = params
        if root_path:
            routed.setdefault("app_root_path", "")
            routed["root_path"] = root_path
        request = Request(routed, receive, send)
        try:
            response = await leaf.endpoint(request)
        except Exception as exc:
            handler = self._handler(exc)
            if handler is None:
                raise
            response = await handler(request, exc)
            exc.__traceback__ = None  # as Starlette does: a reused exception would gather tracebacks
        await response(routed, receive, send)

    def _route(self, scope: Scope) -> tuple[VendorRoute, dict[str, Any], str] | None:
        path: str = scope["path"]
        if path.endswith("/") or scope.get("root_path") or scope.get("path_params"):
            return None
        start = path.find("/", 1)
        if (path[1:start] if start > 0 else path[1:]) not in self.segments:
            return None
        return _reach(self.routes, path, "", {})

    def _handler(self, exc: Exception) -> Handler | None:
        for cls in type(exc).__mro__:
            handler = self.handlers.get(cls)
            if handler is not None:
                return handler
        return None


def _reach(
    routes: Sequence[BaseRoute], path: str, root_path: str, params: dict[str, Any]
) -> tuple[VendorRoute, dict[str, Any], str] | None:
    """The vendor route this path reaches below ``root_path`` (its path parameters, and the root path its mounts
    make), as Starlette's routers would choose it: the first route whose pattern matches wins (Mount.matches and
    Route.matches, step by step, without their scope copies); a mount that matches commits to its routes, and a
    route that is not a vendor route (or a kind this does not know) is None, the long way's to answer."""
    route_path = path[len(root_path) :]
    for route in routes:
        if isinstance(route, VendorRoute):
            match = route.path_regex.match(route_path)
            if match is None:
                continue
            found = _converted(match.groupdict(), route.param_convertors)
            return (route, {**params, **found}, root_path) if route.direct else None
        if isinstance(route, Mount):
            match = route.path_regex.match(route_path)
            if match is None:
                continue
            if not isinstance(route.app, Router):
                return None  # a mount with middleware of its own: the long way runs it
            found = _converted(match.groupdict(), route.param_convertors)
            remaining = "/" + found.pop("path")
            return _reach(route.routes, path, root_path + route_path[: -len(remaining)], {**params, **found})
        if not isinstance(route, Route) or route.path_regex.match(route_path):
            return None
    return None


# Convertors whose convert() gives back the matched text itself (a str): not called, a method call a parameter less.
_AS_MATCHED = (StringConvertor, PathConvertor)


def _converted(found: dict[str, Any], convertors: Mapping[str, Convertor[Any]]) -> dict[str, Any]:
    for key, value in found.items():
        convertor = convertors[key]
        if type(convertor) not in _AS_MATCHED:
            found[key] = convertor.convert(value)
    return found
