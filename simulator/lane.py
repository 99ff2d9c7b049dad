"""The vendor lane: a vendor request that reaches one of its endpoints goes straight to it.

Starlette would take such a request through its exception middleware, the app's router (trying the control
plane's mount first), the sandbox mount, the vendor's mount and its router, then two exception wrappers and a
closure per route: some 25 us of a 110 us GET measured in process (docs/performance.md). The lane matches the same
route objects with their own ``matches`` (same regexes, same convertors, same child scopes, applied in the same
order as the routers would), calls the endpoint, and renders a raised error with the app's own exception handlers.

It takes only what it can answer exactly as the routers would: a path whose first segment names a vendor (or
``sandboxes``), that ends in no slash (requestline.py forgives one, and decides whether the path reaches a route
without it), reaching a vendor route (http.VendorRoute: no middleware of its own) by a full match, whose endpoint
is a coroutine function. Anything else (a 404, a 405, a slash, a sync endpoint) goes the long way, unchanged; the
answers are the same either way (tests/test_lane.py holds both lanes to that).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Mount, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from simulator.http import VendorRoute

Handler = Callable[[Request, Exception], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


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
        chain, endpoint = found
        # A HEAD is served as the GET (requestline.py): in a copy, so the layers above keep the request line as sent.
        routed = {**scope, "method": "GET"} if scope["method"] == "HEAD" else scope
        _apply(routed, chain, scope["app"].router)
        request = Request(routed, receive, send)
        try:
            response = await endpoint(request)
        except Exception as exc:
            handler = self._handler(exc)
            if handler is None:
                raise
            response = await handler(request, exc)
            exc.__traceback__ = None  # as Starlette does: a reused exception would gather tracebacks
        await response(routed, receive, send)

    def _route(self, scope: Scope) -> tuple[list[tuple[BaseRoute, Scope]], Endpoint] | None:
        path: str = scope["path"]
        if path.endswith("/") or scope.get("root_path"):
            return None
        start = path.find("/", 1)
        if (path[1:start] if start > 0 else path[1:]) not in self.segments:
            return None
        chain = _reach(self.routes, scope)
        if chain is None:
            return None
        leaf = chain[-1][0]
        if not isinstance(leaf, VendorRoute) or not leaf.direct:
            return None
        endpoint: Endpoint = leaf.endpoint
        return chain, endpoint

    def _handler(self, exc: Exception) -> Handler | None:
        for cls in type(exc).__mro__:
            handler = self.handlers.get(cls)
            if handler is not None:
                return handler
        return None


def _reach(routes: Sequence[BaseRoute], scope: Scope) -> list[tuple[BaseRoute, Scope]] | None:
    """The routes from here down to an endpoint, each with its child scope, as Starlette's routers would choose
    them: the first full match wins; a partial match (a method the route does not take) or a mount whose routes
    take nothing is None (the routers' 405s and 404s are the long way's)."""
    for route in routes:
        match, child = route.matches(scope)
        if match is Match.NONE:
            continue
        if match is Match.PARTIAL:
            return None
        if isinstance(route, Mount):
            if not isinstance(route.app, Router):
                return None  # a mount with middleware of its own: the long way runs it
            below = _reach(route.routes, {**scope, **child})
            return None if below is None else [(route, child), *below]
        return [(route, child)]
    return None


def _apply(scope: Scope, chain: list[tuple[BaseRoute, Scope]], router: object) -> None:
    """What the routers write into the scope on the way down: the router, then each route and its child scope."""
    scope.setdefault("router", router)
    for route, child in chain:
        scope["route"] = route
        scope.update(child)
