"""The panel of a vendor that has none of its own: its GET control endpoints without path parameters, each
answer's lists shown as tables."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from simulator.plane.calls import call
from simulator.plane.panel import Panel, Section, Table, table
from simulator.sandboxes import Sandbox
from simulator.vendors.base import Vendor


def generic(vendor: Vendor) -> Panel | None:
    routes = [
        r for r in vendor.control_routes if isinstance(r, Route) and "GET" in (r.methods or ()) and "{" not in r.path
    ]
    if not routes:
        return None

    async def sections(request: Request, sandbox: Sandbox) -> list[Section]:
        found: list[Section] = []
        for route in routes:
            data = (await call(route.endpoint, request, query={"sandbox": sandbox.name})).data
            found += _tables(f"/_sim/{vendor.name}{route.path}", data)
        return found

    return Panel(title="Control endpoints", sections=sections)


def _tables(title: str, data: Any) -> list[Section]:
    if isinstance(data, dict):
        lists = {k: v for k, v in data.items() if isinstance(v, list)}
        if lists:
            return [_listing(f"{title}: {k}", v) for k, v in lists.items()]
        return [Table(title, list(data), [list(data.values())])]
    if isinstance(data, list):
        return [_listing(title, data)]
    return [Table(title, ["value"], [[data]])]


def _listing(title: str, items: list[Any]) -> Table:
    if all(isinstance(i, dict) for i in items):
        return table(title, items)
    return Table(title, ["value"], [[i] for i in items])
