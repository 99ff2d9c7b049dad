"""Pages from Jinja2 templates (autoescaped: every value a request brought in is text, never markup), a one-shot
message that survives a POST's redirect, and the URLs of the dashboard's pages."""

from __future__ import annotations

import base64
import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import msgspec
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from simulator import __version__
from simulator.sandboxes import Sandbox, Sandboxes
from simulator.ui import security
from simulator.vendors.base import vendors_of

PREFIX = "/_sim/ui"
# The server's root path as the request arrived: Mount adds its own prefix to ``root_path`` further in.
ROOT = "stocksim.root_path"
FLASH = "stocksim_flash"
HERE = Path(__file__).parent

if TYPE_CHECKING:
    import jinja2


@functools.cache
def environment() -> jinja2.Environment:
    # Imported on the first page, not at start-up (about 40 ms a server that nobody opens the dashboard of never
    # needs to spend).
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pretty"] = pretty
    env.filters["cell"] = cell
    env.globals["version"] = __version__
    return env


def ui(request: Request) -> str:
    """The dashboard's root path as the browser sees it (behind a proxy that mounts the server elsewhere too)."""
    root: str = request.scope.get(ROOT, request.scope.get("root_path", ""))
    return root + PREFIX


def link(request: Request, path: str, **query: Any) -> str:
    kept = {k: v for k, v in query.items() if v not in (None, "", False)}
    return ui(request) + path + ("?" + urlencode(kept) if kept else "")


def page(
    request: Request, template: str, context: dict[str, Any], status: int = 200, sandbox: Sandbox | None = None
) -> Response:
    csrf, new = security.csrf_token(request)
    sandboxes: Sandboxes = request.app.state.sandboxes
    flash = _read_flash(request)
    body = (
        environment()
        .get_template(template)
        .render(
            ui=ui(request),
            csrf=csrf,
            csrf_field=security.CSRF_FIELD,
            flash=flash,
            sandbox=sandbox,
            sandbox_names=[s.name for s in sandboxes.all()],
            vendor_names=[v.name for v in vendors_of(request)],
            guarded=request.app.state.settings.control_token is not None,
            path=request.url.path,
            **context,
        )
    )
    response = HTMLResponse(body, status)
    options = security.cookie_options(request, ui(request))
    if new:
        response.set_cookie(security.CSRF, csrf, **options)
    if flash is not None:
        response.delete_cookie(FLASH, path=options["path"])
    return security.secure(response)


def redirect(request: Request, target: str, message: str | None = None, kind: str = "ok") -> Response:
    """303 See Other after a POST; ``message`` is shown once on the next page."""
    response = RedirectResponse(target, 303)
    if message is not None:
        raw = json.dumps({"kind": kind, "text": message[:500]}).encode()
        response.set_cookie(
            FLASH, base64.urlsafe_b64encode(raw).decode(), **security.cookie_options(request, ui(request))
        )
    return security.secure(response)


def _read_flash(request: Request) -> dict[str, str] | None:
    raw = request.cookies.get(FLASH)
    if not raw:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(raw.encode()))
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return None
    return {"kind": "error" if data.get("kind") == "error" else "ok", "text": data["text"]}


def pretty(value: Any) -> str:
    """A body for reading: JSON indented, anything else as it came."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        if isinstance(parsed, dict | list):
            return json.dumps(parsed, indent=2, ensure_ascii=False)
        return value
    return json.dumps(msgspec.to_builtins(value), indent=2, ensure_ascii=False)


def cell(value: Any) -> str:
    """A stored value as a table cell shows it."""
    if value is None:
        return "—"
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return str(value)
