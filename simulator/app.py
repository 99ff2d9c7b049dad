"""The ASGI application: vendor routes at the root (sandbox ``default``) and under /sandboxes/{sandbox}/,
the control plane under /_sim/, the dashboard at /_sim/ui/ (and ``/`` for a browser). All state hangs off
``app.state``, so one process can run many apps."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import State
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp, Receive, Scope, Send

from simulator import unrouted
from simulator.config import Settings
from simulator.control.guard import ControlToken
from simulator.control.routes import routes as control_routes
from simulator.drain import Drained
from simulator.errors import SimulatorError
from simulator.exchange import RAW_SEND, Toolkit
from simulator.http import any_path
from simulator.lane import VendorLane
from simulator.openapi.routes import routes as openapi_routes
from simulator.proxy import apply_forwarded
from simulator.requestline import RequestLine, headless
from simulator.sandboxes import Limits, Sandboxes
from simulator.scenarios import examples
from simulator.scenarios.loaded import LoadedScenario
from simulator.scenarios.loader import load_file
from simulator.store.connection import Store
from simulator.store.part import Schema
from simulator.store.sandboxes import ddl
from simulator.toolkit import sockets
from simulator.ui.mount import Dashboard
from simulator.vendors import VENDORS
from simulator.vendors.base import Vendor, carriers, vendors_of


def load_scenario(path: str | None, vendors: Sequence[Vendor] = VENDORS) -> LoadedScenario:
    """The scenario a server starts on: a file, a shipped scenario's name, or (None) the shipped default."""
    return load_file(examples.resolve(path), parts=tuple(v.section for v in vendors))


def create_app(
    settings: Settings | None = None, scenario: LoadedScenario | None = None, vendors: Sequence[Vendor] | None = None
) -> Starlette:
    """``vendors``: the emulated vendors, by default the registered ones (simulator.vendors.VENDORS)."""
    settings = settings or Settings()
    registry = VENDORS if vendors is None else tuple(vendors)
    _check(registry)
    schema = Schema.of([v.store for v in registry])
    loaded = scenario or load_scenario(settings.scenario, registry)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = await Store.open(settings.db, ddl(schema), schema.upgrade)
        try:
            app.state.store = store
            app.state.sandboxes = sandboxes = await Sandboxes.start(
                store,
                loaded,
                schema,
                settings.journal_size,
                settings.reset_on_scenario_change,
                Limits(settings.max_sandboxes, settings.max_fault_rules, settings.journal_bytes),
            )
            async with AsyncExitStack() as stack:
                stack.push_async_callback(sandboxes.close)  # saves clocks and fault rules, after the vendors stop
                for vendor in registry:
                    if vendor.background is not None:
                        await stack.enter_async_context(vendor.background(app))
                yield
        finally:
            await store.close()

    vendor_routes: list[BaseRoute] = [route for vendor in registry for route in vendor.routes]
    in_sandboxes = Mount("/sandboxes/{sandbox}", routes=vendor_routes)
    routes: list[BaseRoute] = [
        Mount(
            "/_sim",
            routes=[
                *(Mount(f"/{v.name}", routes=list(v.control_routes)) for v in registry if v.control_routes),
                *control_routes(),
                *openapi_routes(),
            ],
        ),
        in_sandboxes,
        *vendor_routes,
    ]
    any_path(routes)
    handlers = {SimulatorError: _render, HTTPException: _unrouted}
    lane_segments = {"sandboxes", *(v.name for v in registry)}  # first path segments no /_sim route can match
    middleware = [
        # First: the dashboard checks the control token itself (login form, session cookie), see ui/security.py.
        Middleware(Dashboard, token=settings.control_token),
        Middleware(ControlToken, token=settings.control_token),
        Middleware(Toolkit, vendors={v.name: v for v in registry}, carriers=carriers(registry)),
        # A request that reaches a vendor endpoint goes to it directly; everything else on through RequestLine.
        Middleware(VendorLane, routes=[in_sandboxes, *vendor_routes], segments=lane_segments, handlers=handlers),
        # Inside the toolkit, so the journal, rate limits and faults see the request line as the client sent it.
        Middleware(RequestLine, slash_routes=[in_sandboxes, *vendor_routes]),
    ]
    app = SimulatorApp(routes=routes, lifespan=lifespan, exception_handlers=handlers, middleware=middleware)
    app.state.settings = settings
    app.state.scenario = loaded
    app.state.vendors = registry
    return app


def _check(vendors: Sequence[Vendor]) -> None:
    """The toolkit and unrouted requests find a request's vendor by its first path segment: every route of a vendor
    must live under /<its name>/, and no two vendors may share a name."""
    names = [v.name for v in vendors]
    if len(set(names)) != len(names):
        raise ValueError(f"two vendors share a name: {names}")
    for vendor in vendors:
        for route in vendor.routes:
            path = getattr(route, "path", "")
            if path != f"/{vendor.name}" and not path.startswith(f"/{vendor.name}/"):
                raise ValueError(f"vendor {vendor.name!r} has a route outside /{vendor.name}/: {path!r}")


class AppState(State):
    """Starlette's State keeps its attributes in a dict behind ``__getattr__``, which Python calls only after the
    ordinary lookup has failed, so every read makes and drops an AttributeError (six a vendor request: 8% of a GET's
    instructions, counted under callgrind). These are ordinary attributes as well, found at once."""

    def __setattr__(self, key: Any, value: Any) -> None:
        super().__setattr__(key, value)
        self.__dict__[key] = value

    def __delattr__(self, key: Any) -> None:
        super().__delattr__(key)
        self.__dict__.pop(key, None)


class SimulatorApp(Starlette):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.state = AppState()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Starlette's error middleware wraps `send`; the toolkit needs the server's own to reach the socket
        # (a fault that drops or resets the connection). See toolkit/sockets.py.
        scope[RAW_SEND] = send
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            await self._http(scope, receive, send)
        finally:
            # uvicorn's request cycle holds this scope, and `send` is the cycle's own bound method: left in it, the
            # two make a reference cycle per request that only the garbage collector frees (under wrk, GC passes
            # cost ~18 us a request, and went with this line: docs/performance.md).
            scope.pop(RAW_SEND, None)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        settings: Settings = self.state.settings
        if settings.trust_proxy_headers:
            apply_forwarded(scope)
        # With --db, an answer waits until the clock and fault-rule changes made so far are saved (see Sandboxes).
        saving = self.state.sandboxes.saving_send
        in_process = sockets.transport_of(send) is None  # no socket whose unread bytes could reset it
        if scope["method"] == "HEAD":
            send = headless(send)  # outermost, so no answer to a HEAD has a body, whoever gives it
        if in_process:
            await self._enter(scope, receive, saving(send))
            return
        drained = Drained(scope, receive, send, settings.max_body_bytes, settings.header_timeout)
        if drained.body_done:
            # No body to drain (most GETs): the server's own receive and send, without a layer on each message.
            await self._enter(scope, receive, saving(send))
            return
        await self._enter(scope, drained.receive, saving(drained.send))

    async def _enter(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A vendor request in an existing sandbox goes straight to the toolkit: the layers above it (Starlette's
        error middleware, the dashboard, the control token) have nothing to do with a vendor's paths, and the
        exchange answers an unexpected error with the same 500 (exchange.Exchange.run)."""
        if self.middleware_stack is None:
            self.middleware_stack = self.build_middleware_stack()
        scope["app"] = self
        exchange = self._toolkit.exchange(scope, receive, send)
        if exchange is None:
            await self.middleware_stack(scope, receive, send)
        else:
            await exchange.run()

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        layer = stack
        while not isinstance(layer, Toolkit):
            layer = layer.app  # type: ignore[attr-defined]
        self._toolkit = layer
        return stack


async def _render(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SimulatorError)
    return exc.response()


async def _unrouted(request: Request, exc: Exception) -> Response:
    # Paths and methods no route takes (vendor routes take every method, and answer in the vendor's shape).
    assert isinstance(exc, HTTPException)
    return unrouted.answer(request, exc, {v.name: v for v in vendors_of(request)})
