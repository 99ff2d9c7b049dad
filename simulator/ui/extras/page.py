"""The extras page: the chosen vendor's panel; POSTs run one of the panel's actions."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from simulator.plane.errors import ControlError, NotFound
from simulator.plane.params import sandbox_param
from simulator.ui import render, security
from simulator.ui.extras import panel_for
from simulator.vendors.base import vendors_of


async def page(request: Request) -> Response:
    sandbox = sandbox_param(request, request.path_params["name"])
    panels = [p for p in (panel_for(v) for v in vendors_of(request)) if p is not None]
    wanted = request.query_params.get("vendor")
    chosen = next((p for p in panels if p.vendor == wanted), panels[0] if panels else None)
    if wanted is not None and (chosen is None or chosen.vendor != wanted):
        raise NotFound(f"no extras for vendor {wanted!r}")
    sections = await chosen.panel.sections(request, sandbox) if chosen is not None else []
    context = {"title": "Vendor extras", "panels": panels, "chosen": chosen, "sections": sections}
    return render.page(request, "extras.html", context, sandbox=sandbox)


async def act(request: Request) -> Response:
    sandbox = sandbox_param(request, request.path_params["name"])
    form = await security.checked_form(request, 64 * 1024)
    vendor = request.path_params["vendor"]
    chosen = next(
        (p for p in (panel_for(v) for v in vendors_of(request)) if p is not None and p.vendor == vendor), None
    )
    action = chosen.panel.actions.get(request.path_params["action"]) if chosen is not None else None
    if chosen is None or action is None:
        raise NotFound(f"no action {request.path_params['action']!r} for vendor {vendor!r}")
    target = render.link(request, f"/sandboxes/{sandbox.name}/extras", vendor=vendor)
    fields = {k: v.strip() for k, v in form.fields.items() if k != security.CSRF_FIELD}
    try:
        message = await action(request, sandbox, fields)
    except ControlError as exc:
        return render.redirect(request, target, exc.message, "error")
    return render.redirect(request, target, message)
