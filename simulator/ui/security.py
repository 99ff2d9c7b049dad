"""The dashboard's own guard: the control token, typed once into a login form and kept as a session cookie; a
CSRF token on every form; and the headers that keep a page's data from ever running as script.

The JSON control plane wants ``Authorization: Bearer``, which a browser cannot send from a link or a form, so the
dashboard is served beside that guard (see mount.py) and checks the same token its own way. The session cookie
holds an HMAC of the token, never the token: it stays valid across restarts and dies when the token changes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from simulator.auth import same_secret

SESSION = "stocksim_session"
CSRF = "stocksim_csrf"
CSRF_FIELD = "csrf"
# Inline script and style are refused, so even a value that escaped escaping could not run.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class Forbidden(Exception):
    """A state-changing request without the form's CSRF token, or sent from another site."""


def session_value(token: str) -> str:
    return hmac.new(token.encode("utf-8"), b"stocksim dashboard session", hashlib.sha256).hexdigest()


def signed_in(request: Request, token: str | None) -> bool:
    if token is None:
        return True
    return same_secret(request.cookies.get(SESSION, ""), session_value(token))


def cookie_options(request: Request, prefix: str) -> dict[str, Any]:
    return {"path": prefix, "httponly": True, "samesite": "strict", "secure": request.url.scheme == "https"}


def csrf_token(request: Request) -> tuple[str, bool]:
    """The browser's CSRF token, and whether it is new (the response must then set the cookie)."""
    current = request.cookies.get(CSRF)
    if current and len(current) == 43 and current.isascii():
        return current, False
    return secrets.token_urlsafe(32), True


def cross_site(headers: Mapping[str, str]) -> bool:
    # Browsers say where a request comes from; a form posted by another site is refused before its body is read.
    return headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none")


async def checked_form(request: Request, max_part_size: int) -> FormData:
    """The POSTed form, once its CSRF token matches the cookie's (double submit; the cookie is SameSite=Strict)."""
    if cross_site(request.headers):
        raise Forbidden("a form from another site")
    form = await request.form(max_files=1, max_fields=100, max_part_size=max_part_size)
    given = form.get(CSRF_FIELD)
    expected = request.cookies.get(CSRF)
    if not isinstance(given, str) or not expected or not same_secret(given, expected):
        raise Forbidden("the form's CSRF token is missing or stale: reload the page and try again")
    return form


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def upload(form: FormData, name: str) -> UploadFile | None:
    value = form.get(name)
    return value if isinstance(value, UploadFile) and value.filename else None


def secure(response: Response) -> Response:
    response.headers.update(HEADERS)
    response.headers.setdefault("Cache-Control", "no-store")
    return response
