"""The baseline for `make bench`: a bare Starlette JSON route on the same server stack as the simulator."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def item(request: Request) -> JSONResponse:
    if request.method == "PATCH":
        await request.body()
    return JSONResponse({"id": 10001, "sku": "WMY71443LB2", "stock": 10})


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


app = Starlette(routes=[Route("/item", item, methods=["GET", "PATCH"]), Route("/_sim/health", health)])
