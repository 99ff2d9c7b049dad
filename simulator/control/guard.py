"""The control plane's optional bearer token. Vendor routes keep their own credentials; /_sim/health stays open
so container health checks and load balancers need no secret."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from simulator.auth import same_secret
from simulator.plane.errors import ControlError

OPEN = frozenset({"/_sim/health"})


class Unauthorized(ControlError):
    status_code = 401
    code = "unauthorized"


class ControlToken:
    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.token is not None
            and scope["type"] == "http"
            and scope["path"].startswith("/_sim/")
            and scope["path"] not in OPEN
            and not self._allowed(scope)
        ):
            response = Unauthorized("the control plane needs `Authorization: Bearer <control token>`").response()
            response.headers["WWW-Authenticate"] = 'Bearer realm="stocksim control plane"'
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _allowed(self, scope: Scope) -> bool:
        assert self.token is not None
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, given = value.decode("latin-1").partition(" ")
                return scheme.lower() == "bearer" and same_secret(given.strip(), self.token)
        return False
