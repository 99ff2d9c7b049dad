"""The baseline for `make bench`: bare Starlette JSON routes on the same server stack as the simulator.

The PATCH route decodes its JSON body and answers a JSON object, as the simulator's PATCH does (without the rules,
the store and the journal): the ratio then measures what the simulator adds to a JSON round trip.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

ITEM = {"id": 10001, "sku": "WMY71443LB2", "stock": 10}


async def item(request: Request) -> JSONResponse:
    if request.method == "PATCH":
        change = await request.json()
        return JSONResponse({**ITEM, "stock": ITEM["stock"] + change["stock"]["adjust_by"]})
    return JSONResponse(ITEM)


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


app = Starlette(routes=[Route("/item", item, methods=["GET", "PATCH"]), Route("/_sim/health", health)])
