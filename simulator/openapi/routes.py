"""The documents on the control plane: ``GET /_sim/openapi`` (an index of links), ``/_sim/openapi/{name}.json`` and
``.yaml``. Each is the committed document but for ``servers``: this server's base URL and the sandbox asked for
(``?sandbox=``, default ``default``), with that sandbox's accounts as the account variable's choices.

A document is built once per process, and its YAML text once, in a worker thread (parsing and dumping YAML would
hold up the event loop); a request then only encodes it with its servers, or dumps just those between the cached
YAML text before and after them.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from simulator.http import json_response, root_url
from simulator.openapi.build import accounts_of, build, render_yaml, servers_for
from simulator.openapi.catalog import Document, documents
from simulator.plane.errors import NotFound
from simulator.plane.params import sandbox_param
from simulator.sandboxes import Sandbox
from simulator.vendors.base import vendors_of

YAML = "application/yaml"


@functools.cache
def _built(document: Document) -> dict[str, Any]:
    """The document with empty servers; shared, so never changed."""
    return build(document, servers=[])


@functools.cache
def _yaml_around_servers(document: Document) -> tuple[str, str]:
    """The YAML text before ``servers`` (openapi, info) and after it: dumping is slow, ``servers`` is small."""
    built = _built(document)
    head = {key: built[key] for key in ("openapi", "info")}
    tail = {key: value for key, value in built.items() if key not in head and key != "servers"}
    return render_yaml(head), render_yaml(tail)


def _named(request: Request) -> tuple[Document, Sandbox]:
    sandbox = sandbox_param(request)
    name = request.path_params["name"]
    found = _documents(request).get(name)
    if found is None:
        raise NotFound(f"no OpenAPI document named {name!r}; GET /_sim/openapi lists them")
    return found, sandbox


def _documents(request: Request) -> dict[str, Document]:
    return documents(vendors_of(request))


def _servers(request: Request, document: Document, sandbox: Sandbox) -> list[dict[str, Any]]:
    accounts = accounts_of(document, sandbox.scenario, vendors_of(request))
    return servers_for(document, _base(request), accounts, sandbox.name)


def _base(request: Request) -> str:
    return root_url(request)


async def index(request: Request) -> Response:
    sandbox = sandbox_param(request)
    query = "?" + urlencode({"sandbox": sandbox.name}) if request.query_params.get("sandbox") else ""
    links = f"{_base(request)}/_sim/openapi"
    documents = {}
    for name, document in _documents(request).items():
        built = await run_in_threadpool(_built, document)
        documents[name] = {
            "title": built["info"]["title"],
            "json": f"{links}/{name}.json{query}",
            "yaml": f"{links}/{name}.yaml{query}",
        }
    return json_response({"sandbox": sandbox.name, "documents": documents})


async def as_json(request: Request) -> Response:
    document, sandbox = _named(request)
    built = await run_in_threadpool(_built, document)
    return json_response({**built, "servers": _servers(request, document, sandbox)})


async def as_yaml(request: Request) -> Response:
    document, sandbox = _named(request)
    head, tail = await run_in_threadpool(_yaml_around_servers, document)
    return Response(head + render_yaml({"servers": _servers(request, document, sandbox)}) + tail, media_type=YAML)


def routes() -> list[BaseRoute]:
    return [
        Route("/openapi", index, methods=["GET"]),
        Route("/openapi/{name}.json", as_json, methods=["GET"]),
        Route("/openapi/{name}.yaml", as_yaml, methods=["GET"]),
    ]
