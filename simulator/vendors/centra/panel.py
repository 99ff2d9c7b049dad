"""Centra: the notifications an administrator would get when a stock update asked for less than is allocated and
the physical stock was clamped, from /_sim/centra/notifications."""

from __future__ import annotations

from starlette.requests import Request

from simulator.plane.calls import call
from simulator.plane.panel import Panel, Section, table
from simulator.sandboxes import Sandbox
from simulator.vendors.centra import control as endpoints


async def sections(request: Request, sandbox: Sandbox) -> list[Section]:
    found = (await call(endpoints.notifications, request, query={"sandbox": sandbox.name})).data["notifications"]
    return [table("Clamp notifications (newest first)", found[::-1])]


PANEL = Panel(title="Clamp notifications", sections=sections)
