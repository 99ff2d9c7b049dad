"""A sandbox's accounts, as GET /_sim/apis lists them: base URL, credentials and a curl command, each to copy."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from simulator.control import routes as control
from simulator.plane.calls import call
from simulator.plane.params import sandbox_param
from simulator.ui import curl, render

# Shown as the account's own settings rather than as credentials.
DESCRIBED = ("vendor", "account", "base_url", "auth", "example_url")


async def accounts(request: Request) -> Response:
    sandbox = sandbox_param(request, request.path_params["name"])
    described = (await call(control.apis, request, query={"sandbox": sandbox.name})).data
    groups: dict[str, list[dict[str, Any]]] = {}
    for api in described["apis"]:
        groups.setdefault(api["vendor"], []).append(
            {
                "account": api["account"],
                "base_url": api["base_url"],
                "credentials": [(k, str(v)) for k, v in api["auth"].items() if k != "scheme"],
                "scheme": api["auth"].get("scheme", ""),
                "settings": [(k, v) for k, v in api.items() if k not in DESCRIBED and k not in api["auth"]],
                "curl": curl.for_account(api),
            }
        )
    context = {
        "title": "Accounts",
        "root_url": described["root_url"],
        "groups": groups,
        "scenario": described["scenario"],
    }
    return render.page(request, "accounts.html", context, sandbox=sandbox)
