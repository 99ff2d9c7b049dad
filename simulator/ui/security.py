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

from starlette.datastructures import UploadFile
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


class Refused(Exception):
    status_code = 400


class Forbidden(Refused):
    """A state-changing request without the form's CSRF token, or sent from another site."""

    status_code = 403


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


class Submitted:
    """A POSTed form, read whole: text fields, and uploaded files as bytes (their temporary files closed at once)."""

    def __init__(self, fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> None:
        self.fields = fields
        self.files = files

    def text(self, name: str) -> str:
        return self.fields.get(name, "").strip()

    def file(self, name: str) -> tuple[str, bytes] | None:
        return self.files.get(name)


class TooLarge(Refused):
    status_code = 413


async def checked_form(request: Request, limit: int) -> Submitted:
    """The POSTed form, once its CSRF token matches the cookie's (double submit; the cookie is SameSite=Strict).
    No field or file may be larger than ``limit`` bytes."""
    if cross_site(request.headers):
        raise Forbidden("a form from another site")
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    async with request.form(max_files=1, max_fields=100, max_part_size=limit) as form:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                content = await value.read(limit + 1)
                if len(content) > limit:
                    raise TooLarge(f"{value.filename}: the file is larger than {limit} bytes")
                if value.filename:
                    files[name] = (value.filename, content)
            else:
                fields[name] = value
    given = fields.get(CSRF_FIELD)
    expected = request.cookies.get(CSRF)
    if given is None or not expected or not same_secret(given, expected):
        raise Forbidden("the form's CSRF token is missing or stale: reload the page and try again")
    return Submitted(fields, files)


def secure(response: Response) -> Response:
    response.headers.update(HEADERS)
    response.headers.setdefault("Cache-Control", "no-store")
    return response
