"""The /_sim control plane: health, the sandbox's APIs and state, reset, and sandbox management.

Every endpoint that acts on one sandbox takes ``?sandbox=NAME`` (default: ``default``), and every request that
creates or acts on a sandbox can name it in the URL (``PUT /_sim/sandboxes/{name}``, ``POST /_sim/sandboxes?name=``),
so a proxy in front of several instances routes by the URL alone (deploy/nginx/).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from simulator import __version__
from simulator.control import peers
from simulator.control.toolkit import routes as toolkit_routes
from simulator.http import is_json_type, json_response, media_type, root_url
from simulator.jsonbody import MalformedJson, decode_json
from simulator.numbers import whole_number
from simulator.plane.errors import BadRequest, Conflict, InsufficientStorage, LimitExceeded, NotFound
from simulator.plane.params import control_body, sandbox_param, sandboxes_of
from simulator.sandboxes import (
    DEFAULT,
    InvalidSandboxName,
    Sandbox,
    SandboxConflict,
    TooManyFaultRules,
    TooManySandboxes,
    UnknownSandbox,
)
from simulator.scenarios.loaded import LoadedScenario
from simulator.scenarios.loader import ScenarioError, load_data, load_file, load_text
from simulator.scenarios.shape import kind_of
from simulator.store.sandboxes import SandboxGone, guarded
from simulator.vendors.base import parts_of, settings_of, store_of, vendors_of
from simulator.webhooks import refused

YAML_TYPES = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"}


def _root(request: Request, sandbox: Sandbox) -> str:
    base = root_url(request)
    return base if sandbox.name == DEFAULT else f"{base}/sandboxes/{sandbox.name}"


def _describe(request: Request, sandbox: Sandbox) -> dict[str, Any]:
    root = _root(request, sandbox)
    apis = []
    for vendor in vendors_of(request):
        for account in vendor.accounts(sandbox.scenario):
            base_url = root + account.base_path
            apis.append(
                {
                    "vendor": account.vendor,
                    "account": account.account,
                    "base_url": base_url,
                    "auth": account.auth,
                    "example_url": base_url + account.example if account.example else None,
                    **account.extra,
                }
            )
    return {
        "name": sandbox.name,
        "instance": peers.instance_name(settings_of(request)),
        "scenario": {"id": sandbox.scenario.id, "name": sandbox.scenario.spec.name, "source": sandbox.scenario.source},
        "created_at": sandbox.created_at,
        "root_url": root,
        "apis": apis,
    }


def _limit(request: Request, default: int) -> int:
    raw = request.query_params.get("limit", str(default))
    value = whole_number(raw, 1, 1_000_000)
    if value is None:
        raise BadRequest(f"limit must be a whole number from 1 to 1000000, got {raw!r}")
    return value


async def health(request: Request) -> Response:
    sandboxes = sandboxes_of(request)
    return json_response(
        {
            "status": "ok",
            "version": __version__,
            "instance": peers.instance_name(settings_of(request)),
            "scenario": {"id": sandboxes.scenario.id, "name": sandboxes.scenario.spec.name},
            "sandboxes": len(sandboxes.all()),
            "vendors": [v.name for v in vendors_of(request)],
        }
    )


async def apis(request: Request) -> Response:
    return json_response(_describe(request, sandbox_param(request)))


async def reset(request: Request) -> Response:
    return await _reset(request, sandbox_param(request))


async def state(request: Request) -> Response:
    sandbox = sandbox_param(request)
    wanted = request.query_params.get("vendor")
    vendors = [v for v in vendors_of(request) if wanted in (None, v.name)]
    if not vendors:
        raise BadRequest(f"unknown vendor {wanted!r}; expected one of {', '.join(v.name for v in vendors_of(request))}")
    limit = _limit(request, 1000)

    def work(conn: sqlite3.Connection) -> dict[str, Any]:
        return {v.name: v.state(conn, sandbox.world, sandbox.scenario, limit) for v in vendors}

    try:
        found = await store_of(request).run_in_thread(guarded(sandbox.incarnation, work))
    except SandboxGone:  # deleted while this waited for the store: its rows are gone, not back to the scenario's
        raise NotFound(f"no sandbox named {sandbox.name!r}") from None
    return json_response({"sandbox": sandbox.name, **found})


async def sandboxes_list(request: Request) -> Response:
    """This instance's sandboxes; with ``?all=1``, also those of the ``--peers`` (each says its instance)."""
    settings = settings_of(request)
    me = peers.instance_name(settings)
    own = [_describe(request, s) for s in sandboxes_of(request).all()]
    if not _flag(request, "all"):
        return json_response({"instance": me, "sandboxes": own})
    # The Host the client used goes to the peers, so the URLs they describe are ones the client can reach.
    headers = {"Host": request.headers["host"]} if "host" in request.headers else {}
    if settings.control_token is not None:
        headers["Authorization"] = f"Bearer {settings.control_token}"
    # An instance whose --peers names itself (one list for every instance) finds itself by its answer's name.
    answers = [a for a in await peers.ask(settings.peers, headers) if a.instance != me]
    merged = own + [s for a in answers for s in a.sandboxes]
    summary = [{"instance": me, "url": None, "status": "ok", "sandboxes": len(own)}]
    return json_response({"instance": me, "sandboxes": merged, "instances": summary + [a.summary() for a in answers]})


def _flag(request: Request, name: str) -> bool:
    raw = request.query_params.get(name, "")
    if raw.lower() in ("", "0", "false"):
        return False
    if raw.lower() in ("1", "true"):
        return True
    raise BadRequest(f"{name} must be 1, true, 0 or false, got {raw!r}")


async def sandboxes_create(request: Request) -> Response:
    name, scenario = await _creation_request(request)
    try:
        sandbox = await sandboxes_of(request).create(name, scenario)
    except InvalidSandboxName as exc:
        raise BadRequest(str(exc)) from None
    except SandboxConflict as exc:
        raise Conflict(str(exc)) from None
    except TooManySandboxes as exc:
        raise InsufficientStorage(str(exc)) from None
    except TooManyFaultRules as exc:
        raise LimitExceeded(str(exc)) from None
    return json_response(_describe(request, sandbox), 201)


async def sandbox_put(request: Request) -> Response:
    """Make sure the sandbox named in the path exists on the scenario asked for (the body, as for POST; without
    one, the server's): 201 when it is created, 200 when it already was, its state untouched (a retried PUT, or
    one per CI job sharing a sandbox, changes nothing); 409 when it exists on another scenario."""
    name = request.path_params["name"]
    _, scenario = await _creation_request(request, name)
    sandboxes = sandboxes_of(request)
    wanted = scenario or sandboxes.scenario
    try:
        return json_response(_describe(request, await sandboxes.create(name, wanted)), 201)
    except InvalidSandboxName as exc:
        raise BadRequest(str(exc)) from None
    except SandboxConflict:
        pass  # it exists (perhaps made by a PUT racing this one): fine if it is what was asked for
    try:
        existing = sandboxes.get(name)
    except UnknownSandbox:
        raise Conflict(f"sandbox {name!r} was deleted while this request made it; send the PUT again") from None
    if existing.scenario.id != wanted.id:
        raise Conflict(
            f"sandbox {name!r} exists on scenario {existing.scenario.id} ({existing.scenario.spec.name!r}), not on "
            f"{wanted.id} ({wanted.spec.name!r}): DELETE it first to make it again on another scenario"
        )
    return json_response(_describe(request, existing))


async def sandbox_item(request: Request) -> Response:
    name = request.path_params["name"]
    sandbox = sandbox_param(request, name)
    if request.method == "GET":
        return json_response(_describe(request, sandbox))
    try:
        await sandboxes_of(request).delete(sandbox.name)
    except SandboxConflict as exc:
        raise Conflict(str(exc)) from None
    except UnknownSandbox as exc:  # another delete got there first
        raise NotFound(str(exc)) from None
    return Response(status_code=204)


async def sandbox_reset(request: Request) -> Response:
    return await _reset(request, sandbox_param(request, request.path_params["name"]))


async def _reset(request: Request, sandbox: Sandbox) -> Response:
    try:
        await sandboxes_of(request).reset(sandbox.name)
    except UnknownSandbox as exc:  # deleted while the reset waited for the store
        raise NotFound(str(exc)) from None
    return json_response({"sandbox": sandbox.name, "reset": True})


async def _creation_request(request: Request, name: str | None = None) -> tuple[str | None, LoadedScenario | None]:
    """JSON ``{"name"?, "scenario"?: object | YAML text}``, or a YAML scenario body; the name in the URL (``name``
    from the path, else ``?name=``) unless the JSON body names the sandbox, and then they must agree."""
    body = await control_body(request)
    kind = media_type(request)
    name = name or request.query_params.get("name")
    if kind in YAML_TYPES:
        return name, _posted(
            request,
            await _scenario(
                lambda: load_text(body.decode("utf-8", "replace"), "request body", parts=parts_of(request))
            ),
        )
    if body.strip() == b"":
        return name, None
    if kind is not None and not is_json_type(kind):
        raise BadRequest(f"Content-Type must be application/json or a YAML type, got {kind!r}")
    try:
        data = decode_json(body)
    except MalformedJson as exc:
        raise BadRequest(f"malformed JSON: {exc.reason}") from None
    if not isinstance(data, dict) or set(data) - {"name", "scenario", "scenario_file"}:
        raise BadRequest('expected a JSON object with the optional fields "name", "scenario" and "scenario_file"')
    named = name if data.get("name") is None else data["name"]  # null: not named in the body
    if named is not None and not isinstance(named, str):
        raise BadRequest(f"invalid request body: $.name: expected a string, found {kind_of(named)}")
    if name is not None and named != name:
        # A proxy routed this request by the name in its URL: a sandbox made under another name would be on a
        # shard that requests naming it never reach.
        raise BadRequest(f"the body names sandbox {named!r} but the URL names {name!r}; give the name once")
    name = named
    raw = data.get("scenario")
    if "scenario_file" in data:
        if raw is not None:
            raise BadRequest('give "scenario" or "scenario_file", not both')
        path = allowed_scenario_file(settings_of(request).scenario_dir, data["scenario_file"])
        return name, await _scenario(lambda: load_file(path, parts=parts_of(request)))
    if raw is None:
        return name, None
    if isinstance(raw, str):
        return name, _posted(
            request, await _scenario(lambda: load_text(raw, "request body: scenario", parts=parts_of(request)))
        )
    return name, _posted(request, await _scenario(lambda: load_data(raw, "request body: scenario", parts_of(request))))


def _posted(request: Request, scenario: LoadedScenario) -> LoadedScenario:
    """A scenario from a request body (not one of the operator's files): on a server others can reach, its webhooks
    must be ones --webhook-allow names."""
    settings = settings_of(request)
    if not settings.exposed:
        return scenario
    urls = refused((url for v in vendors_of(request) for url in v.outbound_urls(scenario)), settings.webhook_allow)
    if urls:
        raise BadRequest(
            f"this server is reachable off loopback, so a posted scenario's webhooks must match --webhook-allow "
            f"(STOCKSIM_WEBHOOK_ALLOW; now {', '.join(settings.webhook_allow) or 'empty'}); refused: {', '.join(urls)}"
        )
    return scenario


def allowed_scenario_file(folder: str | None, name: object) -> Path:
    """``name`` inside ``folder``, after resolving ``..`` and links; anything that leads outside is refused."""
    if folder is None:
        raise BadRequest("scenario_file needs the server started with --scenario-dir (STOCKSIM_SCENARIO_DIR)")
    if not isinstance(name, str) or not name or "\0" in name:
        raise BadRequest('"scenario_file" must be a file name inside the scenario folder')
    root = Path(folder).resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root):
        raise BadRequest(f"scenario_file {name!r} is outside the scenario folder")
    if not path.is_file():
        raise NotFound(f"no scenario file {name!r} in the scenario folder")
    return path


async def _scenario(load: Callable[[], LoadedScenario]) -> LoadedScenario:
    # Reading a scenario costs up to its limits (seconds for a large one): never on the event loop.
    try:
        return await asyncio.to_thread(load)
    except ScenarioError as exc:
        raise BadRequest(f"the scenario does not validate:\n{exc}", exc.as_dict()["problems"]) from None


def routes() -> list[BaseRoute]:
    return [
        Route("/health", health, methods=["GET"]),
        Route("/apis", apis, methods=["GET"]),
        Route("/reset", reset, methods=["POST"]),
        Route("/state", state, methods=["GET"]),
        Route("/sandboxes", sandboxes_list, methods=["GET"]),
        Route("/sandboxes", sandboxes_create, methods=["POST"]),
        Route("/sandboxes/{name}", sandbox_item, methods=["GET", "DELETE"]),
        Route("/sandboxes/{name}", sandbox_put, methods=["PUT"]),
        Route("/sandboxes/{name}/reset", sandbox_reset, methods=["POST"]),
        *toolkit_routes(),
    ]
