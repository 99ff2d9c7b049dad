"""Signing in with the control token (only when the server has one) and signing out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from simulator.auth import same_secret
from simulator.ui import render, security


def _next(request: Request, wanted: str | None) -> str:
    """Where to go after signing in: a dashboard page, never another site."""
    home = render.ui(request) + "/"
    if wanted and wanted.startswith(home) and "//" not in wanted and "\\" not in wanted:
        return wanted
    return home


async def form(request: Request) -> Response:
    token = request.app.state.settings.control_token
    if token is None or security.signed_in(request, token):
        return render.redirect(request, _next(request, request.query_params.get("next")))
    context = {"title": "Sign in", "next": _next(request, request.query_params.get("next")), "failed": False}
    return render.page(request, "login.html", context)


async def login(request: Request) -> Response:
    token = request.app.state.settings.control_token
    submitted = await security.checked_form(request, 4096)
    target = _next(request, submitted.text("next"))
    if token is None:
        return render.redirect(request, target)
    if not same_secret(submitted.text("token"), token):
        return render.page(request, "login.html", {"title": "Sign in", "next": target, "failed": True}, 401)
    response = render.redirect(request, target)
    response.set_cookie(
        security.SESSION, security.session_value(token), **security.cookie_options(request, render.ui(request))
    )
    return response


async def logout(request: Request) -> Response:
    await security.checked_form(request, 4096)
    response = render.redirect(request, render.link(request, "/login"), "Signed out")
    response.delete_cookie(security.SESSION, path=render.ui(request), httponly=True, samesite="strict")
    return response
