"""The sandbox's clock: what time the sandbox thinks it is; freeze it, let it run, move it on by a duration, set it.
Every change goes through POST /_sim/clock."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from simulator.control import toolkit as control
from simulator.plane.calls import call, json_body
from simulator.plane.errors import BadRequest, ControlError
from simulator.plane.params import sandbox_param
from simulator.ui import render, security

UNITS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}
_DURATION = re.compile(r"^([+-]?)((?:\d+(?:\.\d+)?[dhms])+|\d+(?:\.\d+)?)$")
_PART = re.compile(r"(\d+(?:\.\d+)?)([dhms])")
_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")


def seconds(text: str) -> float:
    """``90``, ``90s``, ``5m``, ``1h30m``, ``2d``, ``-1h`` -> seconds."""
    compact = text.replace(" ", "").lower()
    match = _DURATION.match(compact)
    if not match:
        raise BadRequest(f"a duration is a number of seconds or parts like 1d2h30m15s, got {text!r}")
    sign, body = -1 if match[1] == "-" else 1, match[2]
    if body[-1].isdigit():
        return sign * float(body)
    return sign * sum(float(n) * UNITS[u] for n, u in _PART.findall(body))


def moment(text: str) -> str:
    """An ISO 8601 time for POST /_sim/clock; a browser's date-time field (no zone) is read as UTC."""
    return text + "Z" if _LOCAL.match(text) else text


async def page(request: Request) -> Response:
    return await _page(request)


async def change(request: Request) -> Response:
    sandbox = sandbox_param(request, request.path_params["name"])
    form = await security.checked_form(request, 4096)
    action = form.text("action")
    try:
        body = _change(action, form.text("advance"), form.text("set"))
        answer = await call(control.clock_change, request, method="POST", query={"sandbox": sandbox.name}, body=body)
    except ControlError as exc:
        return await _page(request, 400, exc)
    target = render.link(request, f"/sandboxes/{sandbox.name}/clock")
    return render.redirect(request, target, f"Sandbox time is now {answer.data['now']}")


def _change(action: str, advance: str, when: str) -> bytes:
    change: dict[str, Any]
    if action == "freeze":
        change = {"freeze": True}
    elif action == "run":
        change = {"run": True}
    elif action == "advance":
        change = {"advance": seconds(advance)}
    elif action == "set":
        if not when:
            raise BadRequest("give the time to set")
        change = {"set": moment(when)}
    else:
        raise BadRequest(f"unknown clock action {action!r}")
    return json_body(change)


async def _page(request: Request, status: int = 200, error: ControlError | None = None) -> Response:
    sandbox = sandbox_param(request, request.path_params["name"])
    clock = (await call(control.clock_get, request, query={"sandbox": sandbox.name})).data
    context = {"title": "Clock", "clock": clock, "error": error}
    return render.page(request, "clock.html", context, status, sandbox=sandbox)
