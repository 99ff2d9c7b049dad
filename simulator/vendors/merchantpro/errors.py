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
    (429 with Retry-After, from rate limits and faults, is rendered by MerchantProError.answer)
"""

from __future__ import annotations

from typing import Any

from simulator.errors import VendorError, allow, not_allowed


class MerchantProError(VendorError):
    def __init__(self, message: str | None = None, field: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message, headers)
        self.field = field

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.status_code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        return {"error": error}


class BadRequest(MerchantProError):
    status_code = 400


class Unauthorized(MerchantProError):
    status_code = 401
    message = "Invalid API credentials"

    def __init__(self) -> None:
        super().__init__(headers={"WWW-Authenticate": 'Basic realm="MerchantPro API", charset="UTF-8"'})


class Forbidden(MerchantProError):
    status_code = 403


class NotFound(MerchantProError):
    status_code = 404
    message = "Resource not found"


class MethodNotAllowed(MerchantProError):
    status_code = 405

    def __init__(self, method: str, allowed: tuple[str, ...]) -> None:
        super().__init__(not_allowed(method, allowed), headers=allow(allowed))


class PayloadTooLarge(MerchantProError):
    status_code = 413
