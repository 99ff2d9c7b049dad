"""Ka-ching: what the asynchronous import queue did. Stock events, each import queue's success and failure logs,
and the export queues' webhook deliveries with their attempts, from /_sim/ka-ching/."""

from __future__ import annotations

from starlette.requests import Request

from simulator.plane.calls import call
from simulator.plane.panel import Panel, Section, table
from simulator.sandboxes import Sandbox
from simulator.scenarios import kaching as kaching_scenario
from simulator.vendors.kaching import control as endpoints

SHOWN = 200


async def sections(request: Request, sandbox: Sandbox) -> list[Section]:
    query = {"sandbox": sandbox.name}
    events = (await call(endpoints.events, request, query={**query, "limit": "100000"})).data["events"]
    found: list[Section] = [
        table("Stock events (newest first)", events[::-1][:SHOWN], f"{len(events)} in all; the newest {SHOWN} shown")
    ]
    queues = {(a.id, q.id) for a in kaching_scenario.section(sandbox.scenario).accounts for q in a.import_queues}
    for account, queue in sorted(queues):
        log = (
            await call(
                endpoints.queue_log,
                request,
                query={**query, "account": account},
                path_params={"integration": queue},
            )
        ).data
        found.append(table(f"Import queue {queue} ({account}): failures", log["failure"][::-1][:SHOWN]))
        found.append(table(f"Import queue {queue} ({account}): successes", log["success"][::-1][:SHOWN]))
        found.append(table(f"Import queue {queue} ({account}): imports", log["imports"][::-1][:SHOWN]))
    deliveries = (await call(endpoints.deliveries, request, query=query)).data["deliveries"]
    found.append(table("Webhook deliveries (newest first, one row per attempt)", deliveries[::-1][:SHOWN]))
    return found


PANEL = Panel(title="Import queue, events and webhooks", sections=sections)
