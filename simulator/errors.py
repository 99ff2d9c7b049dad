"""The root of every error the simulator renders as an HTTP response.

    SimulatorError                  rendered by ``response()``; the app's exception handler calls it
    ├── plane.errors.ControlError   the /_sim control plane's JSON errors
    └── VendorError                 a vendor's error: its status, its own code (if it has codes) and message
        └── vendors.<v>.errors.<V>Error   the vendor's base: its ``body()`` is the vendor's error shape
            └── one class per vendor error code, stating status, code and message, and nothing else

A vendor package decides how a domain error (simulator.domain.errors) looks to its clients. Faults and rate limits
answer in the vendor's shape through its base's ``answer`` (``Vendor.error_response``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from starlette.responses import Response

from simulator.http import json_response


class SimulatorError(Exception):
    status_code: int = 500

    def response(self) -> Response:
        raise NotImplementedError


class VendorError(SimulatorError):
    status_code = 400
    code: ClassVar[int | str | None] = None
    message: str = ""  # the class's message, unless the instance is given its own

    def __init__(self, message: str | None = None, headers: Mapping[str, str] | None = None) -> None:
        self.message = type(self).message if message is None else message
        super().__init__(self.message)
        self.headers = dict(headers or {})

    def body(self) -> Any:
        """The vendor's error body: each vendor's base class says what it looks like."""
        raise NotImplementedError

    def response(self) -> Response:
        return json_response(self.body(), self.status_code, self.headers)

    @classmethod
    def answer(cls, status: int, message: str, headers: dict[str, str]) -> Response:
        """An error of this vendor for any status (a fault's, a rate limit's, an unrouted request's)."""
        error = cls(message, headers=headers)
        error.status_code = status
        return error.response()


def allow(allowed: Sequence[str]) -> dict[str, str]:
    """The headers of a 405: the methods the resource takes (HEAD wherever GET is: see requestline.py)."""
    return {"Allow": ", ".join(with_head(allowed))}


def not_allowed(method: str, allowed: Sequence[str]) -> str:
    return f"Method {method} is not allowed here; allowed: {', '.join(with_head(allowed))}"


def with_head(methods: Sequence[str]) -> list[str]:
    """``methods`` with HEAD right after GET, when GET is among them and HEAD is not."""
    listed = list(methods)
    if "GET" in listed and "HEAD" not in listed:
        listed.insert(listed.index("GET") + 1, "HEAD")
    return listed
