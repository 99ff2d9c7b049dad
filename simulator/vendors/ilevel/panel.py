"""i.LEVEL: items forced to fail with 12051 "Failed to save item", per tenant: the scenario's and the ones added
here, through /_sim/ilevel/fail-items."""

from __future__ import annotations

from starlette.requests import Request

from simulator.plane.calls import call, json_body
from simulator.plane.errors import BadRequest
from simulator.plane.panel import Field, Form, Panel, Section, table
from simulator.sandboxes import Sandbox
from simulator.scenarios import ilevel as ilevel_scenario
from simulator.vendors.ilevel import control as endpoints

IDENTIFIERS = ["variant_id", "barcode", "code"]


async def sections(request: Request, sandbox: Sandbox) -> list[Section]:
    found: list[Section] = []
    for tenant in ilevel_scenario.section(sandbox.scenario).tenants:
        query = {"sandbox": sandbox.name, "tenant": tenant.name}
        listed = (await call(endpoints.fail_items, request, query=query)).data["fail_items"]
        found.append(table(f"Tenant {tenant.name}: forced failures", listed))
        found.append(
            Form(
                f"Tenant {tenant.name}: force an item to fail",
                "add",
                "Force failure",
                [
                    Field("by", "Identifier", IDENTIFIERS),
                    Field("value", "Value", required=True),
                    Field("warehouse", "Warehouse", ["", *(w.id for w in tenant.warehouses)]),
                ],
                {"tenant": tenant.name},
            )
        )
        found.append(
            Form(f"Tenant {tenant.name}", "clear", "Forget the added failures", [], {"tenant": tenant.name}, True)
        )
    return found


async def add(request: Request, sandbox: Sandbox, fields: dict[str, str]) -> str:
    by = fields.get("by", "")
    if by not in IDENTIFIERS:
        raise BadRequest(f"identifier must be one of {', '.join(IDENTIFIERS)}")
    body = {"tenant": fields.get("tenant", ""), "items": [{by: fields.get("value", "")}]}
    if fields.get("warehouse"):
        body["warehouse"] = fields["warehouse"]
    await call(endpoints.fail_items, request, method="POST", query={"sandbox": sandbox.name}, body=json_body(body))
    return f"{by} {fields.get('value')!r} now fails with 12051"


async def clear(request: Request, sandbox: Sandbox, fields: dict[str, str]) -> str:
    query = {"sandbox": sandbox.name, "tenant": fields.get("tenant", "")}
    await call(endpoints.fail_items, request, method="DELETE", query=query)
    return f"Added failures of tenant {fields.get('tenant')} forgotten"


PANEL = Panel(title="Forced item failures", sections=sections, actions={"add": add, "clear": clear})
