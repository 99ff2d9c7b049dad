"""Fault rules: the sandbox's rules with how often each matched and fired; add one from the form, from a template
(503 on the next call, 429 with Retry-After, a reset connection, latency, a partial batch failure) or as JSON;
remove one or all. Rules go through POST /_sim/faults, so the form is refused for what the API refuses."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from simulator.control import toolkit as control
from simulator.plane.calls import call, json_body
from simulator.plane.errors import BadRequest, ControlError
from simulator.plane.params import sandbox_param
from simulator.ui import render, security
from simulator.vendors.base import vendors_of

KINDS = ("status", "rate_limit", "reset", "drop", "latency", "fail_items", "empty", "truncate", "malformed", "hang")
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
FIELDS = (
    "id", "vendor", "account", "method", "path", "item", "kind", "status", "retry_after", "seconds", "items", "first",
    "nth", "every", "probability", "phase", "json",
)  # fmt: skip


class Template(msgspec.Struct, frozen=True):
    label: str
    action: dict[str, Any]
    when: dict[str, Any]


TEMPLATES = {
    "unavailable": Template("503 on the next call", {"kind": "status", "status": 503}, {"first": 1}),
    "rate_limited": Template("429 with Retry-After", {"kind": "rate_limit", "retry_after": 30}, {"first": 1}),
    "reset": Template("Reset the connection", {"kind": "reset"}, {"first": 1}),
    "latency": Template("2 s latency on every call", {"kind": "latency", "fixed": 2}, {}),
    "partial": Template("Partial batch failure of the Items", {"kind": "fail_items", "items": []}, {"first": 1}),
}


async def page(request: Request) -> Response:
    return await _page(request)


async def add(request: Request) -> Response:
    sandbox = sandbox_param(request, request.path_params["name"])
    form = await security.checked_form(request, 64 * 1024)
    values = {k: form.text(k) for k in FIELDS}
    try:
        body = values["json"].encode("utf-8") if values["json"] else json_body(rule_from(values, _template(form)))
        answer = await call(control.faults_add, request, method="POST", query={"sandbox": sandbox.name}, body=body)
    except ControlError as exc:
        return await _page(request, 400, exc, values)
    ids = ", ".join(r["id"] for r in answer.data["installed"])
    return render.redirect(
        request, render.link(request, f"/sandboxes/{sandbox.name}/faults"), f"Fault rule {ids} added"
    )


async def remove(request: Request) -> Response:
    sandbox = sandbox_param(request, request.path_params["name"])
    await security.checked_form(request, 4096)
    rule = request.path_params["rule"]
    target = render.link(request, f"/sandboxes/{sandbox.name}/faults")
    try:
        await call(
            control.fault_delete,
            request,
            method="DELETE",
            query={"sandbox": sandbox.name},
            path_params={"rule_id": rule},
        )
    except ControlError as exc:
        return render.redirect(request, target, exc.message, "error")
    return render.redirect(request, target, f"Fault rule {rule} removed")


async def clear(request: Request) -> Response:
    sandbox = sandbox_param(request, request.path_params["name"])
    await security.checked_form(request, 4096)
    answer = await call(control.faults_clear, request, method="DELETE", query={"sandbox": sandbox.name})
    target = render.link(request, f"/sandboxes/{sandbox.name}/faults")
    return render.redirect(request, target, f"{answer.data['removed']} fault rule(s) removed")


def _template(form: security.Submitted) -> Template | None:
    name = form.text("template")
    if not name:
        return None
    if name not in TEMPLATES:
        raise BadRequest(f"no fault template named {name!r}")
    return TEMPLATES[name]


def rule_from(values: dict[str, str], template: Template | None) -> dict[str, Any]:
    """A rule as POST /_sim/faults takes it. Numbers that do not parse are passed on as text, so the API names the
    field that is wrong."""
    match = {k: values[k] for k in ("vendor", "account", "method", "path", "item") if values.get(k)}
    if template is not None:
        action = dict(template.action)
        if action["kind"] == "fail_items":
            action["items"] = _items(values.get("items", ""))
        if action["kind"] == "rate_limit" and values.get("retry_after"):
            action["retry_after"] = _number(values["retry_after"])
        if action["kind"] == "latency" and values.get("seconds"):
            action["fixed"] = _number(values["seconds"])
        when = dict(template.when)
    else:
        action = _action(values)
        when = {k: _number(values[k]) for k in ("first", "nth", "every", "probability") if values.get(k)}
    rule: dict[str, Any] = {"match": match, "action": action}
    if when:
        rule["when"] = when
    if values.get("id"):
        rule["id"] = values["id"]
    if values.get("phase") and values["phase"] != "before":
        rule["phase"] = values["phase"]
    return rule


def _action(values: dict[str, str]) -> dict[str, Any]:
    kind = values.get("kind") or "status"
    action: dict[str, Any] = {"kind": kind}
    status, seconds, retry = values.get("status"), values.get("seconds"), values.get("retry_after")
    if kind in ("status", "empty", "malformed"):
        action["status"] = _number(status) if status else (503 if kind == "status" else 200)
    if kind in ("status", "rate_limit") and retry:
        action["retry_after"] = _number(retry)
    if kind == "latency":
        action["fixed"] = _number(seconds) if seconds else 1
    if kind == "hang" and seconds:
        action["seconds"] = _number(seconds)
    if kind == "fail_items":
        action["items"] = _items(values.get("items", ""))
    return action


def _number(raw: str) -> int | float | str:
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    return raw


def _items(raw: str) -> list[str]:
    return [item for item in re.split(r"[\s,]+", raw) if item]


async def _page(
    request: Request, status: int = 200, error: ControlError | None = None, values: dict[str, str] | None = None
) -> Response:
    sandbox = sandbox_param(request, request.path_params["name"])
    rules = (await call(control.faults_list, request, query={"sandbox": sandbox.name})).data["faults"]
    context = {
        "title": "Faults",
        "rules": rules,
        "templates": TEMPLATES,
        "kinds": KINDS,
        "methods": METHODS,
        "vendors": [v.name for v in vendors_of(request)],
        "accounts": sorted({a.account for v in vendors_of(request) for a in v.accounts(sandbox.scenario)}),
        "error": error,
        "values": values or {k: "" for k in FIELDS},
    }
    return render.page(request, "faults.html", context, status, sandbox=sandbox)
