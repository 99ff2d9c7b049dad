"""What every control-plane endpoint reads from a request: the sandbox it acts on, and a bounded body, decoded
with every problem in the simulator's own words."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from starlette.requests import Request

from simulator.config import Settings
from simulator.http import BodyTooLarge, read_body
from simulator.jsonbody import MalformedJson, decode_json
from simulator.plane.errors import BadRequest, NotFound, PayloadTooLarge
from simulator.sandboxes import DEFAULT, Sandbox, Sandboxes, UnknownSandbox
from simulator.scenarios import shape
from simulator.scenarios.problems import Problem

T = TypeVar("T")
MAX_PROBLEMS = 20


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


def json_of(raw: bytes) -> Any:
    """A control body's JSON (None when empty); malformed: 400."""
    try:
        return decode_json(raw) if raw.strip() else None
    except MalformedJson as exc:
        raise BadRequest(f"invalid request body: malformed JSON, {exc.reason}") from None


def decoded(raw: bytes, kind: type[T]) -> T:
    """A control body as ``kind``; see ``converted``."""
    result: T = converted(json_of(raw), kind)
    return result


def converted(data: Any, kind: type[T], at: str = "$") -> T:
    """``data`` as ``kind``, or a 400 whose problems name each bad value's path (below ``at``) and what it should
    be, as a scenario file's problems do (scenarios.shape): never msgspec's own wording."""
    try:
        return msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        found = shape.problems(data, kind, limit=MAX_PROBLEMS) or [Problem(*shape.split_error(str(exc)))]
        problems = [{"path": at + p.path[1:], "message": p.message} for p in found]
        raise BadRequest(f"invalid request body: {problems[0]['path']}: {problems[0]['message']}", problems) from None
