"""MerchantPro's errors, one class per status the platform uses.

The body shape is not documented (vendor-facts.md); every MerchantPro error here uses the same one, pinned in
tests/vendors/merchantpro/test_errors.py:

    {"error": {"code": <HTTP status>, "message": "<what went wrong>", "field": "<offending input, if any>"}}

    MerchantProError
    ├── BadRequest          400  validation: unknown field, wrong type, malformed JSON, rule broken
    ├── Unauthorized        401  missing or wrong HTTP Basic credentials (with WWW-Authenticate)
    ├── Forbidden           403  repeated failed sign-ins from one client
    ├── NotFound            404  no such shop, resource or record ("Resource not found")
    ├── MethodNotAllowed    405  the resource exists but not for this method (with Allow)
    └── PayloadTooLarge     413  the body is over the simulator's size cap
    (429 with Retry-After, from rate limits and faults, is rendered by error_response below)
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from simulator.errors import SimulatorError
from simulator.http import json_response


class MerchantProError(SimulatorError):
    status_code = 500

    def __init__(self, message: str, field: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.status_code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        return {"error": error}

    def response(self) -> Response:
        return json_response(self.body(), self.status_code, self.headers)


def error_response(status: int, message: str, headers: dict[str, str]) -> Response:
    return json_response({"error": {"code": status, "message": message}}, status, headers)


class BadRequest(MerchantProError):
    status_code = 400


class Unauthorized(MerchantProError):
    status_code = 401

    def __init__(self, message: str = "Invalid API credentials") -> None:
        super().__init__(message, headers={"WWW-Authenticate": 'Basic realm="MerchantPro API", charset="UTF-8"'})


class Forbidden(MerchantProError):
    status_code = 403


class NotFound(MerchantProError):
    status_code = 404

    def __init__(self, message: str = "Resource not found") -> None:
        super().__init__(message)


class MethodNotAllowed(MerchantProError):
    status_code = 405

    def __init__(self, method: str, allowed: tuple[str, ...]) -> None:
        super().__init__(
            f"Method {method} is not allowed here; allowed: {', '.join(allowed)}", headers={"Allow": ", ".join(allowed)}
        )


class PayloadTooLarge(MerchantProError):
    status_code = 413
