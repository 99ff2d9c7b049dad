"""Control endpoints for the test toolkit, per sandbox (``?sandbox=``): fault rules, the journal, verification and
the clock. Invalid rules and expectations get the scenario files' precise problems (path, expected, found), and
nothing is installed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from simulator.clock import iso
from simulator.http import json_response
from simulator.plane.errors import BadRequest, Conflict, LimitExceeded, NotFound
from simulator.plane.params import control_body, converted, decoded, json_of, sandbox_param
from simulator.sandboxes import TooManyFaultRules, fault_rule_room
from simulator.scenarios.model import check_targets
from simulator.scenarios.shape import split_error
from simulator.toolkit.journal import selects, verify
from simulator.toolkit.journal_entry import Entry
from simulator.toolkit.rules import FaultRule, Method, Verification


async def faults_list(request: Request) -> Response:
    sandbox = sandbox_param(request)
    return json_response({"sandbox": sandbox.name, "faults": [r.describe() for r in sandbox.faults.rules]})


async def faults_add(request: Request) -> Response:
    """One rule, a list of rules, or ``{"faults": [...]}``; all or nothing."""
    sandbox = sandbox_param(request)
    data = json_of(await control_body(request))
    if isinstance(data, dict) and set(data) == {"faults"}:
        data, at = data["faults"], "$.faults"
    elif isinstance(data, list):
        at = "$"
    else:
        data, at = [data], "$"
    rules = converted(data, list[FaultRule], at)
    try:
        fault_rule_room(sandbox, len(rules), request.app.state.sandboxes.limits.max_fault_rules)
    except TooManyFaultRules as exc:
        raise LimitExceeded(str(exc)) from None
    problems = check_targets(sandbox.scenario.spec, [r.match for r in rules], at + "[{i}].match")
    if problems:
        raise BadRequest(
            "the rules name what this sandbox does not have", [{"path": p.path, "message": p.message} for p in problems]
        )
    taken = sandbox.faults.ids()
    ids = [r.id for r in rules if r.id is not None]
    clash = [i for i in ids if i in taken or ids.count(i) > 1]
    if clash:
        raise Conflict(f"a rule with id {clash[0]!r} already exists in sandbox {sandbox.name!r}")
    now = sandbox.clock.now()
    installed = sandbox.faults.install_all(rules, now)
    return json_response({"sandbox": sandbox.name, "installed": [r.describe() for r in installed]}, 201)


async def faults_clear(request: Request) -> Response:
    sandbox = sandbox_param(request)
    removed = len(sandbox.faults.rules)
    sandbox.faults.clear()
    return json_response({"sandbox": sandbox.name, "removed": removed})


async def fault_delete(request: Request) -> Response:
    sandbox = sandbox_param(request)
    rule_id = request.path_params["rule_id"]
    if not sandbox.faults.remove(rule_id):
        raise NotFound(f"no fault rule {rule_id!r} in sandbox {sandbox.name!r}")
    return Response(status_code=204)


def _render(entry: Entry) -> dict[str, Any]:
    out: dict[str, Any] = msgspec.to_builtins(entry)
    out["time"] = iso(entry.at)
    return out


class JournalQuery(msgspec.Struct, forbid_unknown_fields=True):
    sandbox: str | None = None
    vendor: str | None = None
    account: str | None = None
    method: Method | None = None
    path: str | None = None
    status: int | None = None
    fault: bool | None = None
    body_contains: str | None = None
    limit: int = 1000


async def journal(request: Request) -> Response:
    sandbox = sandbox_param(request)
    try:
        q = msgspec.convert(dict(request.query_params), JournalQuery, strict=False)
    except msgspec.ValidationError as exc:
        path, message = split_error(str(exc))
        raise BadRequest(f"invalid query parameter {path.removeprefix('$.')}: {message}") from None
    found = [
        e
        for e in await sandbox.journal.entries()
        if selects(e, q.vendor, q.account, q.method, q.path, q.status, q.body_contains, q.fault)
    ]
    return json_response(
        {
            "sandbox": sandbox.name,
            "total": len(found),
            "entries": [_render(e) for e in found[-q.limit :]] if q.limit > 0 else [],
        }
    )


async def journal_clear(request: Request) -> Response:
    sandbox_param(request).journal.clear()
    return Response(status_code=204)


async def verify_route(request: Request) -> Response:
    sandbox = sandbox_param(request)
    wanted = decoded(await control_body(request), Verification)
    ok, results = verify(await sandbox.journal.entries(), wanted.expect)
    body = {"sandbox": sandbox.name, "ok": ok, "results": results}
    if ok:
        return json_response(body)
    failed = [r["explanation"] for r in results if not r["ok"]]
    # 417 Expectation Failed: the request was fine, the journal did not hold what it expected.
    return json_response({**body, "message": "; ".join(failed)}, 417)


EARLIEST, LATEST = 0.0, 253_402_300_799.0  # 1970-01-01 .. 9999-12-31T23:59:59Z: what timestamps can render


class ClockChange(msgspec.Struct, forbid_unknown_fields=True):
    set: str | float | None = None  # ISO 8601 or epoch seconds
    freeze: bool | None = None
    run: bool | None = None
    advance: float | None = None  # seconds, may be negative


async def clock_get(request: Request) -> Response:
    sandbox = sandbox_param(request)
    return json_response({"sandbox": sandbox.name, **sandbox.clock.describe()})


async def clock_change(request: Request) -> Response:
    """Applied in this order: set, freeze (or run), advance."""
    sandbox = sandbox_param(request)
    change = decoded(await control_body(request), ClockChange)
    if change.freeze and change.run:
        raise BadRequest("freeze and run cannot both be true")
    clock = sandbox.clock
    target = _epoch(change.set) if change.set is not None else clock.now()
    target += change.advance or 0.0
    if not EARLIEST <= target <= LATEST:
        raise BadRequest(f"the clock must stay between {iso(EARLIEST)} and {iso(LATEST)}")
    if change.set is not None:
        clock.set(_epoch(change.set))
    if change.freeze:
        clock.freeze()
    if change.run:
        clock.run()
    if change.advance is not None:
        clock.advance(change.advance)
    return json_response({"sandbox": sandbox.name, **clock.describe()})


def _epoch(value: str | float) -> float:
    if isinstance(value, int | float):
        if not EARLIEST <= value <= LATEST:
            raise BadRequest(f"set: epoch seconds must lie between {EARLIEST:.0f} and {LATEST:.0f}")
        return float(value)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f"set: expected ISO 8601 (2026-01-31T12:00:00Z) or epoch seconds, got {value!r}") from None
    if parsed.tzinfo is None:
        raise BadRequest(f"set: give a time zone (e.g. Z), got {value!r}")
    return parsed.timestamp()


def routes() -> list[BaseRoute]:
    return [
        Route("/faults", faults_list, methods=["GET"]),
        Route("/faults", faults_add, methods=["POST"]),
        Route("/faults", faults_clear, methods=["DELETE"]),
        Route("/faults/{rule_id}", fault_delete, methods=["DELETE"]),
        Route("/journal", journal, methods=["GET"]),
        Route("/journal", journal_clear, methods=["DELETE"]),
        Route("/verify", verify_route, methods=["POST"]),
        Route("/clock", clock_get, methods=["GET"]),
        Route("/clock", clock_change, methods=["POST"]),
    ]
