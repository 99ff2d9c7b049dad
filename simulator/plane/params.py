"""What every control-plane endpoint reads from a request: the sandbox it acts on, and a bounded body."""

from __future__ import annotations

from starlette.requests import Request

from simulator.config import Settings
from simulator.http import BodyTooLarge, read_body
from simulator.plane.errors import NotFound, PayloadTooLarge
from simulator.sandboxes import DEFAULT, Sandbox, Sandboxes, UnknownSandbox


def sandboxes_of(request: Request) -> Sandboxes:
    sandboxes: Sandboxes = request.app.state.sandboxes
    return sandboxes


def sandbox_param(request: Request, name: str | None = None) -> Sandbox:
    """The sandbox named in the path (``name``) or by ``?sandbox=``, default ``default``; unknown: 404."""
    try:
        return sandboxes_of(request).get(name or request.query_params.get("sandbox") or DEFAULT)
    except UnknownSandbox as exc:
        raise NotFound(str(exc)) from None


async def control_body(request: Request) -> bytes:
    settings: Settings = request.app.state.settings
    try:
        return await read_body(request, settings.max_body_bytes)
    except BodyTooLarge as exc:
        raise PayloadTooLarge(str(exc)) from None
