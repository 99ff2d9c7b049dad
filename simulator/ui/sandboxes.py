"""The sandboxes page: every sandbox with its scenario, age, requests and changed rows; create one from the loaded
scenario, a shipped example or YAML (pasted or uploaded); reset and delete."""

from __future__ import annotations

import sqlite3

from starlette.requests import Request
from starlette.responses import Response

from simulator.control import routes as control
from simulator.plane.calls import call, json_body
from simulator.plane.errors import BadRequest, ControlError
from simulator.plane.params import sandboxes_of
from simulator.scenarios import examples
from simulator.store import browse
from simulator.ui import render, security
from simulator.ui.tables import all_tables
from simulator.vendors.base import settings_of, store_of, vendors_of

SOURCES = ("loaded", "example", "yaml")


async def index(request: Request) -> Response:
    return await _page(request)


async def create(request: Request) -> Response:
    limit = settings_of(request).max_body_bytes
    form = await security.checked_form(request, limit)
    values = {k: form.text(k) for k in ("name", "source", "example", "yaml")}
    try:
        name = await _create(request, values, form)
    except ControlError as exc:
        return await _page(request, 400, exc, values)
    return render.redirect(request, render.link(request, f"/sandboxes/{name}/accounts"), f"Sandbox {name} created")


async def _create(request: Request, values: dict[str, str], form: security.Submitted) -> str:
    name = values["name"] or None
    source = values["source"] or "loaded"
    if source == "loaded":
        answer = await call(control.sandboxes_create, request, method="POST", body=json_body({"name": name}))
    else:
        text = await _yaml(request, source, values, form)
        answer = await call(
            control.sandboxes_create,
            request,
            method="POST",
            query={"name": name},
            body=text.encode("utf-8"),
            content_type="application/yaml",
        )
    created: str = answer.data["name"]
    return created


async def _yaml(request: Request, source: str, values: dict[str, str], form: security.Submitted) -> str:
    if source == "example":
        path = examples.shipped().get(values["example"])
        if path is None:
            raise BadRequest(f"no shipped example named {values['example']!r}")
        return path.read_text(encoding="utf-8")
    if source != "yaml":
        raise BadRequest(f"unknown scenario source {source!r}; expected one of {', '.join(SOURCES)}")
    upload = form.file("file")
    if upload is not None:
        filename, raw = upload
        try:
            values["yaml"] = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest(f"{filename}: the file is not UTF-8 text") from None
    if not values["yaml"]:
        raise BadRequest("paste a scenario or choose a file")
    return values["yaml"]


async def reset(request: Request) -> Response:
    await security.checked_form(request, 4096)
    name = request.path_params["name"]
    try:
        await call(control.sandbox_reset, request, method="POST", path_params={"name": name})
    except ControlError as exc:
        return render.redirect(request, render.link(request, "/"), exc.message, "error")
    return render.redirect(request, render.link(request, "/"), f"Sandbox {name} reset")


async def delete(request: Request) -> Response:
    await security.checked_form(request, 4096)
    name = request.path_params["name"]
    try:
        await call(control.sandbox_item, request, method="DELETE", path_params={"name": name})
    except ControlError as exc:
        return render.redirect(request, render.link(request, "/"), exc.message, "error")
    return render.redirect(request, render.link(request, "/"), f"Sandbox {name} deleted")


async def _page(
    request: Request, status: int = 200, error: ControlError | None = None, values: dict[str, str] | None = None
) -> Response:
    sandboxes = sandboxes_of(request).all()
    tables = all_tables(vendors_of(request))

    def work(conn: sqlite3.Connection) -> dict[str, int]:
        return {s.name: browse.count_changes(conn, tables, s.incarnation) for s in sandboxes}

    changed = await store_of(request).run_in_thread(work)
    rows = [
        {
            "name": s.name,
            "scenario": s.scenario.spec.name or s.scenario.id,
            "scenario_id": s.scenario.id,
            "source": s.scenario.source,
            "created_at": s.created_at,
            "requests": len(s.journal),
            "changed": changed.get(s.name, 0),
        }
        for s in sandboxes
    ]
    loaded = sandboxes_of(request).scenario
    context = {
        "title": "Sandboxes",
        "rows": rows,
        "examples": list(examples.shipped()),
        "loaded": loaded.spec.name or loaded.id,
        "error": error,
        "values": values or {"name": "", "source": "loaded", "example": "", "yaml": ""},
    }
    return render.page(request, "sandboxes.html", context, status)
