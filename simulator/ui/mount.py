"""Where the dashboard meets the app: requests under /_sim/ui/ are served here, ahead of the control plane's bearer
guard (a browser cannot send a bearer token from a link or a form; the dashboard asks for the same token through
its login form instead, see security.py), and ``GET /`` from a browser is sent to the dashboard. Everything else
goes on to the app untouched, so a JSON client asking for ``/`` still gets the JSON 404."""

from __future__ import annotations

import functools
from typing import Any

from starlette.exceptions import HTTPException
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Router
from starlette.types import ASGIApp, Receive, Scope, Send

from simulator.http import any_path
from simulator.plane.errors import ControlError
from simulator.ui import render, security
from simulator.ui.render import PREFIX

OPEN = (PREFIX + "/login", PREFIX + "/static/")


class Dashboard:
    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    @functools.cached_property
    def ui(self) -> ASGIApp:
        # The pages (and Jinja2 under them) are imported on the dashboard's first request: a server nobody opens
        # the dashboard of starts without them.
        from simulator.ui.routes import routes

        handlers: dict[Any, Any] = {ControlError: _error, HTTPException: _error, security.Refused: _error}
        ui_routes = routes()
        any_path(ui_routes)
        return ExceptionMiddleware(Router(ui_routes), handlers=handlers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = _route_path(scope)
        scope.setdefault(render.ROOT, scope.get("root_path", ""))
        if path == PREFIX:
            await _go(scope, receive, send, render.ui(Request(scope)) + "/")
        elif path.startswith(PREFIX + "/"):
            await self._dashboard(scope, receive, send, path)
        elif path == "/" and scope["method"] in ("GET", "HEAD") and _wants_html(scope):
            await _go(scope, receive, send, render.ui(Request(scope)) + "/")
        else:
            await self.app(scope, receive, send)

    async def _dashboard(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        request = Request(scope)
        if path.startswith(OPEN) or security.signed_in(request, self.token):
            await self.ui(scope, receive, send)
        elif scope["method"] in ("GET", "HEAD") and not path.endswith("/stream"):
            wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            await _go(scope, receive, send, render.link(request, "/login", next=wanted))
        else:
            response = render.page(request, "login.html", {"title": "Sign in", "next": "", "failed": False}, 401)
            await response(scope, receive, send)


async def _go(scope: Scope, receive: Receive, send: Send, target: str) -> None:
    await render.redirect(Request(scope), target)(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The path below the server's root path (uvicorn's --root-path), as Starlette's routing reads it."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _wants_html(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"accept":
            return b"text/html" in value.lower()
    return False


async def _error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, ControlError):
        status, message = exc.status_code, exc.message
    elif isinstance(exc, HTTPException):
        status, message = exc.status_code, str(exc.detail)
    else:
        status, message = getattr(exc, "status_code", 400), str(exc)
    return render.page(
        request, "error.html", {"title": f"Error {status}", "status": status, "message": message}, status
    )
